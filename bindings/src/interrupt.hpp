#pragma once
// Ctrl-C for long calls. run_interruptible(fn) runs fn on a worker thread with the GIL
// released while the calling thread wakes every 50 ms, takes the GIL and runs Python's signal
// handlers (PyErr_CheckSignals). When a handler raises (KeyboardInterrupt from SIGINT), it
// asks the core to stop (libmatch::request_cancel), waits for the worker to finish (the core
// notices the request within ~0.1 s of work) and raises the handler's exception; the worker's
// own result or error is then discarded. Otherwise fn's result is returned and its exception,
// if any, rethrown in the calling thread (translated as usual).
//
// Call with the GIL held, after every argument has been converted: fn must not touch Python
// objects (it may take the GIL itself, e.g. for a progress callback). The cancel flag is
// process-wide: it is cleared when a call starts and after an interrupted call, so two
// interruptible calls running at once from different Python threads share it.
#include <pybind11/pybind11.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "libmatch/cancel.hpp"

namespace libmatch::py_bind {

template <class F>
auto run_interruptible(F&& fn) -> std::invoke_result_t<F&> {
  namespace py = pybind11;
  using R = std::invoke_result_t<F&>;
  using Slot = std::conditional_t<std::is_void_v<R>, bool, std::optional<R>>;
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::exception_ptr error;
    Slot value{};
  } st;

  reset_cancel();
  std::thread worker([&] {
    try {
      if constexpr (std::is_void_v<R>) {
        fn();
      } else {
        st.value.emplace(fn());
      }
    } catch (...) {
      st.error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(st.mu);
    st.done = true;
    st.cv.notify_all();
  });

  std::optional<py::error_already_set> interrupt;
  {
    py::gil_scoped_release nogil;
    std::unique_lock<std::mutex> lock(st.mu);
    while (!st.cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return st.done; })) {
      lock.unlock();
      {
        py::gil_scoped_acquire gil;
        if (PyErr_CheckSignals() != 0) interrupt.emplace();  // fetches the pending exception
      }
      lock.lock();
      if (interrupt) {
        request_cancel();
        st.cv.wait(lock, [&] { return st.done; });
        break;
      }
    }
  }
  worker.join();
  if (interrupt) {
    reset_cancel();
    throw std::move(*interrupt);
  }
  if (st.error) std::rethrow_exception(st.error);
  if constexpr (!std::is_void_v<R>) return std::move(*st.value);
}

}  // namespace libmatch::py_bind
