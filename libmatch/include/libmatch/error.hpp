#pragma once
// One exception hierarchy for the whole library. Messages name the file,
// layer, feature or id at fault, never personal data (names, addresses).
#include <stdexcept>
#include <string>

namespace libmatch {

/// Root of every exception libmatch throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A value, array shape, id or setting is not acceptable (Python: ValueError).
class InvalidInput : public Error {
 public:
  using Error::Error;
};

/// An argument has the wrong type or dtype (Python: TypeError).
class InvalidType : public Error {
 public:
  using Error::Error;
};

/// A geometry is unusable: not a polygon, self-intersecting, empty (Python: ValueError).
class GeometryError : public InvalidInput {
 public:
  using InvalidInput::InvalidInput;
};

/// A CRS cannot be understood or the data has none where one is needed (Python: ValueError).
class CrsError : public InvalidInput {
 public:
  using InvalidInput::InvalidInput;
};

/// A referenced id (area, advisor, request, field) does not exist (Python: KeyError).
class UnknownId : public InvalidInput {
 public:
  using InvalidInput::InvalidInput;
};

/// Integer arithmetic would overflow, e.g. summed costs beyond int64 (Python: OverflowError).
class Overflow : public InvalidInput {
 public:
  using InvalidInput::InvalidInput;
};

/// A file cannot be read or written (Python: OSError).
class FileError : public Error {
 public:
  using Error::Error;
};

/// A file or data source does not exist (Python: FileNotFoundError).
class FileMissing : public FileError {
 public:
  using FileError::FileError;
};

/// A long call stopped early because cancellation was requested (cancel.hpp). Python maps it
/// to KeyboardInterrupt when the request came from Ctrl-C.
class Cancelled : public Error {
 public:
  using Error::Error;
};

}  // namespace libmatch
