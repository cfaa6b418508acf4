#include "libmatch/model.hpp"

#include <algorithm>
#include <string>

#include "libmatch/error.hpp"

namespace libmatch {

std::int32_t Vocabulary::intern(std::string_view name) {
  auto it = index_.find(std::string(name));
  if (it != index_.end()) return it->second;
  auto id = static_cast<std::int32_t>(names_.size());
  names_.emplace_back(name);
  index_.emplace(names_.back(), id);
  return id;
}

std::int32_t Vocabulary::find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? -1 : it->second;
}

const std::string& Vocabulary::name(std::int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= names_.size())
    throw UnknownId("vocabulary id " + std::to_string(id) + " out of range [0, " +
                    std::to_string(names_.size()) + ")");
  return names_[static_cast<std::size_t>(id)];
}

std::vector<std::int32_t> parse_tags(std::string_view text, Vocabulary& vocabulary) {
  std::vector<std::int32_t> out;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = text.size();
    std::size_t b = pos, e = end;
    while (b < e && blank(text[b])) ++b;
    while (e > b && blank(text[e - 1])) --e;
    if (e > b) out.push_back(vocabulary.intern(text.substr(b, e - b)));
    pos = end + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {
std::vector<std::int32_t> with_first(std::int32_t first, const std::vector<std::int32_t>& more) {
  std::vector<std::int32_t> out(more);
  out.push_back(first);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}
}  // namespace

std::vector<std::int32_t> service_set(const Request& request) {
  return with_first(request.service, request.services);
}
std::vector<std::int32_t> service_set(const Advisor& advisor) {
  return with_first(advisor.service, advisor.services);
}

}  // namespace libmatch
