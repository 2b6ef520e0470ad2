#include "util/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace fleetaudit::util {

struct Regex::Code {
  pcre2_code* code = nullptr;
  bool jit = false;
  ~Code() { pcre2_code_free(code); }
};

namespace {
// One match-data block per thread, sized for a whole-match ovector: searches
// allocate nothing.
struct MatchData {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  ~MatchData() { pcre2_match_data_free(data); }
};
}  // namespace

Expected<Regex> Regex::compile(std::string_view pattern, bool case_insensitive) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  std::uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  if (case_insensitive) options |= PCRE2_CASELESS;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &err, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof buf);
    return fail("bad regex '" + std::string(pattern) + "' at offset " + std::to_string(offset) +
                ": " + reinterpret_cast<const char*>(buf));
  }
  auto holder = std::make_shared<Code>();
  holder->code = code;
  holder->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  Regex re;
  re.code_ = std::move(holder);
  re.pattern_ = std::string(pattern);
  return re;
}

bool Regex::search(std::string_view subject) const {
  if (!code_) return false;
  thread_local MatchData md;
  const auto* s = reinterpret_cast<PCRE2_SPTR>(subject.data());
  int rc = code_->jit ? pcre2_jit_match(code_->code, s, subject.size(), 0, 0, md.data, nullptr)
                      : pcre2_match(code_->code, s, subject.size(), 0, 0, md.data, nullptr);
  return rc >= 0;
}

}  // namespace fleetaudit::util
