# libmatch: `make run` and `make test` are the two entry points (see README).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
JOBS ?= $(shell nproc)
# postgresql-15-postgis-3 is the server extension (the postgis package only recommends it, and
# recommends are not installed); Debian 12 ships PostgreSQL 15.
APT_PACKAGES := ccache pkg-config coinor-libcbc-dev libgdal-dev gdal-bin libboost-dev libeigen3-dev libgtest-dev clang-format chromium postgresql postgis postgresql-15-postgis-3
CPP_BUILD := build/cpp
export CMAKE_CXX_COMPILER_LAUNCHER := $(shell command -v ccache 2>/dev/null)
export CMAKE_BUILD_PARALLEL_LEVEL := $(JOBS)
export CCACHE_BASEDIR := $(CURDIR)
export MPLBACKEND := Agg

.PHONY: dev all setup system-deps venv install cpp run test test-cpp test-python bench clean lint format docs wheel \
  test-sanitize fuzz fuzz-smoke fuzz-deps

all: install cpp

setup: system-deps venv

system-deps:
	@bash tools/setup_system.sh $(APT_PACKAGES)

venv: $(VENV)/.deps-stamp

$(VENV)/.deps-stamp: tools/requirements-dev.txt | system-deps
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -r tools/requirements-dev.txt
	@touch $@

# The Python package, built by scikit-build-core (incremental build dir under build/).
install: setup
	CMAKE_CXX_COMPILER_LAUNCHER=$(CMAKE_CXX_COMPILER_LAUNCHER) \
	$(VPY) -m pip install -q --no-build-isolation --no-deps -Cbuild-dir=build/py .

# The C++ library and its GoogleTest binary.
cpp: setup
	cmake -S . -B $(CPP_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_INSTALL_PREFIX=$(CURDIR)/build/install >/dev/null
	cmake --build $(CPP_BUILD)

# Developer build with tests and the extension: make dev NAME=me  ->  build/dev-me
# then: PYTHONPATH=build/dev-me/python .venv/bin/python -m pytest tests/python/...
NAME ?= main
dev: setup
	cmake -S . -B build/dev-$(NAME) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DLIBMATCH_BUILD_PYTHON=ON -DPython_EXECUTABLE=$(CURDIR)/$(VPY) \
	  -Dpybind11_DIR=$$($(VPY) -m pybind11 --cmakedir) >/dev/null
	cmake --build build/dev-$(NAME)

run: install
	$(VENV)/bin/libmatch run-demo --data data --out out

test-cpp: cpp
	cd $(CPP_BUILD) && ctest --output-on-failure -j $(JOBS)

test-python: install
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VPY) -m pytest -q tests/python

# Format and lint checks (fast, no build): clang-format over the C++, ruff over the Python.
CPP_FILES = $(shell git ls-files '*.cpp' '*.hpp' '*.h' '*.c' 2>/dev/null)
PY_DIRS := bindings tests benchmarks tools notebooks/src examples
lint: setup
	clang-format --dry-run -Werror $(CPP_FILES)
	$(VENV)/bin/ruff check $(PY_DIRS)
	$(VENV)/bin/ruff format --check $(PY_DIRS)
	@echo "lint: clean"

# Rewrites the tree to the format the lint checks expect.
format: setup
	clang-format -i $(CPP_FILES)
	$(VENV)/bin/ruff check --fix $(PY_DIRS)
	$(VENV)/bin/ruff format $(PY_DIRS)

# A portable Linux wheel (auditwheel bundles GDAL/PROJ/GEOS), tested in a fresh venv.
wheel: install
	VPY=$(VPY) bash tools/test_wheel.sh

# API reference (Sphinx, numpydoc docstrings); warnings are errors.
docs: install
	$(VPY) -m sphinx -b html -W --keep-going -q docs build/docs
	@echo "docs: build/docs/index.html"

# Sanitizers (g++'s runtimes ship with g++): the whole C++ suite under ASan+UBSan, the
# threaded tests under TSan. Lean -O1 -g builds in their own directories (ccache on).
SAN_CMAKE := -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DLIBMATCH_WERROR=OFF -DLIBMATCH_INSTALL=OFF
TSAN_TESTS := Thread|Determin|AnyThreads
export ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
test-sanitize: system-deps
	cmake -S . -B build/asan $(SAN_CMAKE) -DLIBMATCH_SANITIZE=address,undefined >/dev/null
	cmake --build build/asan --target libmatch_tests
	cd build/asan && ctest --output-on-failure -j $(JOBS)
	cmake -S . -B build/tsan $(SAN_CMAKE) -DLIBMATCH_SANITIZE=thread >/dev/null
	cmake --build build/tsan --target libmatch_tests
	cd build/tsan && TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1" \
	  ctest --output-on-failure -j $(JOBS) -R '$(TSAN_TESTS)'

# libFuzzer targets (tests/fuzz), built with Debian's clang 14 under ASan+UBSan.
# make fuzz FUZZ_TARGET=fuzz_round: runs one target until stopped; fuzz-smoke runs each for
# FUZZ_SECONDS and prints the executions.
FUZZ_APT := clang-14 libclang-rt-14-dev
FUZZ_TARGETS := fuzz_wkb_areas fuzz_vector_file fuzz_transport fuzz_round fuzz_scenario
FUZZ_SECONDS ?= 60
FUZZ_TARGET ?= fuzz_round
FUZZ_BUILD := build/fuzz
fuzz-deps: system-deps
	@bash tools/setup_system.sh $(FUZZ_APT)
	CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) $(SAN_CMAKE) -DLIBMATCH_BUILD_TESTS=OFF \
	  -DLIBMATCH_BUILD_FUZZ=ON -DLIBMATCH_SANITIZE=fuzzer-no-link,address,undefined >/dev/null
	cmake --build $(FUZZ_BUILD) --target $(FUZZ_TARGETS)

fuzz: fuzz-deps
	mkdir -p $(FUZZ_BUILD)/corpus/$(FUZZ_TARGET)
	$(FUZZ_BUILD)/tests/fuzz/$(FUZZ_TARGET) -timeout=10 -rss_limit_mb=2048 \
	  $(FUZZ_BUILD)/corpus/$(FUZZ_TARGET) tests/fuzz/corpus/$(FUZZ_TARGET)

fuzz-smoke: fuzz-deps
	@bash tests/fuzz/smoke.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

test: lint test-cpp test-python docs wheel test-sanitize fuzz-smoke

bench: install
	$(VPY) -m pip install -q 'spopt>=0.6'   # benchmark-only peer (design)
	@bash tools/setup_system.sh liblemon-dev   # benchmark-only peer (assignment solver)
	for b in benchmarks/bench_*.py; do $(VPY) $$b || exit 1; done

clean:
	rm -rf build out
