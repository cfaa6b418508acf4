#pragma once
// The library's one formatter of numbers in messages and descriptions.
#include <string>

namespace libmatch::detail {

/// Shortest decimal text that reads back as exactly `v` ("12.5", "0.1", "1e+300"), and
/// "nan", "inf", "-inf". Locale-independent.
std::string format_number(double v);

}  // namespace libmatch::detail
