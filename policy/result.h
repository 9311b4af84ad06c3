// Result<T>: a value or an error with a human-readable reason, shaped like std::expected
// (C++23), which g++ 12 does not have. Sealpost returns it from synchronous code on the data
// path instead of throwing (STYLE.md "Errors").
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sealpost {

struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that only succeed or fail.
using Status = Result<std::monostate>;
inline Status ok() { return std::monostate{}; }

}  // namespace sealpost
