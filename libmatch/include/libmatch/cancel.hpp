#pragma once
// Cooperative cancellation of long calls (road-network tables, area design, simulations,
// large rounds). Any thread, or a signal watcher, may call request_cancel(); running calls
// notice it between chunks of work (at least every ~0.1 s of work per thread) and throw
// libmatch::Cancelled. The flag is process-wide and sticky: it stays set until
// reset_cancel(), so every call started after a request also stops at its first check.
// Front ends (the Python bindings) reset it when a call starts.

#include "libmatch/export.hpp"

namespace libmatch {

/// Asks every running libmatch call to stop. Async-signal-safe (one atomic store).
LIBMATCH_EXPORT void request_cancel() noexcept;
/// Clears a pending request.
LIBMATCH_EXPORT void reset_cancel() noexcept;
/// True when a request is pending.
LIBMATCH_EXPORT bool cancel_requested() noexcept;
/// Throws Cancelled (naming `what`, e.g. "road-network table") when a request is pending.
LIBMATCH_EXPORT void throw_if_cancelled(const char* what);

}  // namespace libmatch
