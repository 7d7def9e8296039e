#include "platform/util/time.h"

#include <chrono>
#include <cstdio>
#include <cstring>

namespace hafnium::util {

int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_rfc3339(int64_t micros) {
  using namespace std::chrono;
  sys_time<microseconds> tp{microseconds{micros}};
  auto day_point = floor<days>(tp);
  year_month_day ymd{day_point};
  hh_mm_ss<microseconds> tod{tp - day_point};
  // Written digit by digit: every stored event carries a time, and
  // snprintf's format parsing was most of the cost.
  char out[40];
  char* p = out;
  auto digits = [&p](long long value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
    p += width;
  };
  int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {  // outside RFC 3339's four-digit years: as before, printf decides
    std::snprintf(out, sizeof out, "%04d", year);
    p = out + std::strlen(out);
  } else {
    digits(year, 4);
  }
  *p++ = '-';
  digits(static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  digits(static_cast<unsigned>(ymd.day()), 2);
  *p++ = 'T';
  digits(tod.hours().count(), 2);
  *p++ = ':';
  digits(tod.minutes().count(), 2);
  *p++ = ':';
  digits(tod.seconds().count(), 2);
  *p++ = '.';
  digits(tod.subseconds().count(), 6);
  *p++ = 'Z';
  return std::string(out, p);
}

namespace {
bool read_digits(std::string_view text, size_t& pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}
bool expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || (text[pos] != c && !(c == 'T' && text[pos] == 't'))) return false;
  ++pos;
  return true;
}
}  // namespace

std::optional<int64_t> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, day) || !expect(text, pos, 'T') ||
      !read_digits(text, pos, 2, hour) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, minute) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, second)) {
    return std::nullopt;
  }
  year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                     std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  int64_t fraction_micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    int64_t scale = 100000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) fraction_micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!read_digits(text, pos, 2, oh) || !expect(text, pos, ':') ||
        !read_digits(text, pos, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  if (second == 60) second = 59;  // leap second: clamp, UTC storage has no slot for it
  auto days_since_epoch = sys_days{ymd}.time_since_epoch().count();
  int64_t seconds_total = static_cast<int64_t>(days_since_epoch) * 86400 + hour * 3600 +
                          minute * 60 + second - offset_seconds;
  return seconds_total * 1000000 + fraction_micros;
}

}  // namespace hafnium::util
