#pragma once
/// \file
/// The error type every fallible fleetaudit call returns.

#include <expected>
#include <string>
#include <utility>

namespace fleetaudit {

/// What went wrong, worded for the operator: context first, lower-case start,
/// no trailing period (`checks/ssh.yaml:14:3: unknown rule kind 'sshd_confg'`).
struct Error {
  std::string message;
};

/// Result of a fallible call: the value, or an Error saying why not.
template <class T>
using Expected = std::expected<T, Error>;

/// Shorthand for `return std::unexpected(Error{...})`.
inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected(Error{std::move(message)});
}

}  // namespace fleetaudit
