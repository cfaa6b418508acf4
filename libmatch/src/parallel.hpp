#pragma once
// The library's one thread pool: every worker thread libmatch starts is started here.
//
// - parallel_for: contiguous chunks of [0, n) handed out in order (static work per index).
// - parallel_dynamic: indices handed out one by one (items of very different cost), with the
//   worker number for per-thread scratch and an optional progress callback.
//
// Each index is processed exactly once and by the same function, so results written per
// index do not depend on the thread count or the chunking. Both check the cancel flag
// (cancel.hpp) before every chunk / item, serial runs included, and throw Cancelled once the
// started work has finished; callers keep chunks small enough (~0.1 s) for a prompt stop.
// Errors: the exception of the lowest failing chunk / index is rethrown after all workers
// have joined (no thread outlives the call); after a failure no new work is handed out.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "libmatch/cancel.hpp"
#include "libmatch/error.hpp"

namespace libmatch::detail {

/// Number of worker threads for a request: <= 0 means all hardware threads.
inline int resolve_threads(int threads) {
  if (threads > 0) return threads;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

/// The first error by index (lowest index wins, whichever thread saw it first).
class FirstError {
 public:
  void record(std::int64_t index, std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (index < index_) index_ = index, error_ = std::move(e);
    failed_.store(true, std::memory_order_relaxed);
  }
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mu_;
  std::int64_t index_ = std::numeric_limits<std::int64_t>::max();
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
};

/// Starts `workers` threads running body(worker) and joins them all before returning.
template <class Body>
void run_workers(int workers, Body&& body) {
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(workers));
  for (int w = 0; w < workers; ++w) pool.emplace_back([&body, w] { body(w); });
  for (auto& th : pool) th.join();
}

[[noreturn]] inline void throw_cancelled(const char* what) {
  throw Cancelled(std::string(what) + ": cancelled");
}

/// Calls fn(begin, end) on contiguous chunks of [0, n), each of at least min_chunk indices
/// (except the last), about eight per thread. Chunks are handed out in order to `threads`
/// workers (<= 0: all cores). `what` names the work in the Cancelled message.
template <class Fn>
void parallel_for(std::int64_t n, int threads, std::int64_t min_chunk, Fn&& fn,
                  const char* what = "parallel loop") {
  if (n <= 0) return;
  min_chunk = std::max<std::int64_t>(min_chunk, 1);
  int t = resolve_threads(threads);
  t = static_cast<int>(std::min<std::int64_t>(t, std::max<std::int64_t>(1, n / min_chunk)));
  const std::int64_t chunk = std::max(min_chunk, (n + 8 * t - 1) / (8 * t));
  const std::int64_t n_chunks = (n + chunk - 1) / chunk;
  if (t <= 1) {
    for (std::int64_t c = 0; c < n_chunks; ++c) {
      if (cancel_requested()) throw_cancelled(what);
      fn(c * chunk, std::min(n, (c + 1) * chunk));
    }
    return;
  }
  std::atomic<std::int64_t> next{0};
  std::atomic<bool> cancelled{false};
  FirstError error;
  run_workers(t, [&](int) {
    for (;;) {
      if (error.failed()) return;
      const std::int64_t c = next.fetch_add(1, std::memory_order_relaxed);
      if (c >= n_chunks) return;
      if (cancel_requested()) {
        cancelled = true;
        return;
      }
      try {
        fn(c * chunk, std::min(n, (c + 1) * chunk));
      } catch (...) {
        error.record(c, std::current_exception());
      }
    }
  });
  error.rethrow();
  if (cancelled) throw_cancelled(what);
}

/// Calls fn(i, worker) for every i in [0, n), handing out indices one by one to up to
/// `threads` workers (<= 0: all cores; never more workers than items). worker is in
/// [0, min(resolve_threads(threads), n)), for per-thread scratch. With a progress callback,
/// the calling thread reports the number of finished items (non-decreasing, the last call
/// with n); if the callback throws, no new items start and its exception is rethrown.
template <class Fn>
void parallel_dynamic(std::int64_t n, int threads, Fn&& fn,
                      const std::function<void(std::int64_t)>& progress = {},
                      const char* what = "parallel loop") {
  if (n <= 0) return;
  const int t = static_cast<int>(std::min<std::int64_t>(resolve_threads(threads), n));
  if (t <= 1) {
    for (std::int64_t i = 0; i < n; ++i) {
      if (cancel_requested()) throw_cancelled(what);
      fn(i, 0);
      if (progress) progress(i + 1);
    }
    return;
  }
  std::atomic<std::int64_t> next{0};
  std::atomic<bool> stop{false}, cancelled{false};
  FirstError error;
  std::mutex mu;
  std::condition_variable cv;
  std::int64_t done = 0, exited = 0;
  auto worker = [&](int w) {
    for (;;) {
      if (stop.load(std::memory_order_relaxed) || error.failed()) break;
      const std::int64_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n) break;
      if (cancel_requested()) {
        cancelled = true;
        break;
      }
      try {
        fn(i, w);
      } catch (...) {
        error.record(i, std::current_exception());
      }
      if (progress) {
        std::lock_guard<std::mutex> lock(mu);
        ++done;
      }
      if (progress) cv.notify_one();
    }
    if (progress) {
      std::lock_guard<std::mutex> lock(mu);
      ++exited;
    }
    if (progress) cv.notify_one();
  };
  std::exception_ptr callback_error;
  if (!progress) {
    run_workers(t, worker);
  } else {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(t));
    for (int w = 0; w < t; ++w) pool.emplace_back(worker, w);
    // The calling thread reports progress until every worker has stopped.
    std::int64_t reported = 0;
    for (;;) {
      std::int64_t now, gone;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return done != reported || exited == t; });
        now = done;
        gone = exited;
      }
      if (now != reported && !callback_error) {
        try {
          progress(now);
        } catch (...) {
          callback_error = std::current_exception();
          stop = true;
        }
      }
      reported = now;
      if (gone == t) break;
    }
    for (auto& th : pool) th.join();
  }
  if (callback_error) std::rethrow_exception(callback_error);
  error.rethrow();
  if (cancelled) throw_cancelled(what);
}

}  // namespace libmatch::detail
