// An enum read back from its word: the value among `all` whose to_string (found by ADL) is
// `text`. For the small fixed vocabularies of configuration files and the outcome record.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace sealpost::policy {

template <class E, std::size_t N>
std::optional<E> parse_word(const std::array<E, N>& all, std::string_view text) {
  for (const E e : all) {
    if (to_string(e) == text) return e;
  }
  return std::nullopt;
}

}  // namespace sealpost::policy
