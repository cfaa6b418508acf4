#pragma once
// One exception hierarchy for the whole library. Messages name the file,
// layer, feature or id at fault, never personal data (names, addresses).
#include <stdexcept>
#include <string>

#include "libmatch/export.hpp"

namespace libmatch {

/// Root of every exception libmatch throws.
class LIBMATCH_EXPORT Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A value, array shape, id or setting is not acceptable (Python: ValueError).
class LIBMATCH_EXPORT InvalidInput : public Error {
 public:
  using Error::Error;
};

/// An argument has the wrong type or dtype (Python: TypeError).
class LIBMATCH_EXPORT InvalidType : public Error {
 public:
  using Error::Error;
};

/// A geometry is unusable: not a polygon, self-intersecting, empty (Python: ValueError).
class LIBMATCH_EXPORT GeometryError : public InvalidInput {
 public:
  using InvalidInput::InvalidInput;
};

/// A CRS cannot be understood or the data has none where one is needed (Python: ValueError).
class LIBMATCH_EXPORT CrsError : public InvalidInput {
 public:
  using InvalidInput::InvalidInput;
};

/// A referenced id (area, advisor, request, field) does not exist (Python: KeyError).
class LIBMATCH_EXPORT UnknownId : public InvalidInput {
 public:
  using InvalidInput::InvalidInput;
};

/// Integer arithmetic would overflow, e.g. summed costs beyond int64 (Python: OverflowError).
class LIBMATCH_EXPORT Overflow : public InvalidInput {
 public:
  using InvalidInput::InvalidInput;
};

/// A file cannot be read or written (Python: OSError).
class LIBMATCH_EXPORT FileError : public Error {
 public:
  using Error::Error;
};

/// A file or data source does not exist (Python: FileNotFoundError).
class LIBMATCH_EXPORT FileMissing : public FileError {
 public:
  using FileError::FileError;
};

/// A long call stopped early because cancellation was requested (cancel.hpp). Python maps it
/// to KeyboardInterrupt when the request came from Ctrl-C.
class LIBMATCH_EXPORT Cancelled : public Error {
 public:
  using Error::Error;
};

}  // namespace libmatch
