#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ctime>
#include <set>
#include <thread>
#include <vector>

#include "platform/util/batch_pipe.h"
#include "platform/util/crypto.h"
#include "platform/util/error_text.h"
#include "platform/util/json_text.h"
#include "platform/util/time.h"
#include "platform/util/utf8.h"
#include "platform/util/uuid.h"

namespace hafnium::util {
namespace {

TEST(ErrorText, OtherMessagesPassUnchangedAndLongOnesAreCutOnACharacterBoundary) {
  EXPECT_EQ(util::error_text("connection refused"), "connection refused");
  EXPECT_EQ(util::error_text("ERROR:  insert failed\nDETAIL:  Key (id)=(cust-7731) already exists.\n"),
            "ERROR:  insert failed");
  EXPECT_EQ(util::error_text("Connection failed while preparing \"SELECT a FROM t WHERE b = :b\" with :b=\"cust-7731\"."),
            "Connection failed while preparing \"SELECT a FROM t WHERE b = :b\"");
  const std::string cut = util::error_text("\xc3\xa9\xc3\xa9", 3);  // "éé", cut inside the second
  EXPECT_EQ(cut, "\xc3\xa9");
}

TEST(Utf8, AcceptsValidAndRejectsInvalidSequences) {
  EXPECT_TRUE(is_ascii("plain name, 42"));
  EXPECT_FALSE(is_ascii("J\xC3\xBCrgen"));
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("J\xC3\xBCrgen \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(JsonText, NumbersReadAsPeopleWriteThemAndEverythingRoundTrips) {
  boost::json::object o{{"score", 0.9524}, {"amount", 15000.0}, {"tiny", 1e-7}, {"count", -3},
                        {"big", std::numeric_limits<uint64_t>::max()}, {"none", nullptr}, {"yes", true}};
  EXPECT_EQ(to_json_text(o),
            R"({"score":0.9524,"amount":15000.0,"tiny":1e-07,"count":-3,"big":18446744073709551615,"none":null,"yes":true})");
  EXPECT_EQ(to_json_text(boost::json::value(std::nan(""))), "null");
  EXPECT_EQ(to_json_text(boost::json::value(std::numeric_limits<double>::infinity())), "null");
  // Text escaped as JSON requires, UTF-8 left as it is.
  const std::string text = "Q\"uote\\ \n\t\x01 J\xC3\xBCrgen \xE6\x9D\xB1";
  const boost::json::value nested = boost::json::array{text, boost::json::object{{text, 0.1}}, boost::json::array{}};
  const std::string written = to_json_text(nested);
  EXPECT_EQ(written.substr(0, 24), R"(["Q\"uote\\ \n\t\u0001 J)");
  EXPECT_EQ(boost::json::parse(written), nested);
  // Every double reads back as the same number.
  for (double d : {0.1, 1.0 / 3.0, 123456789.125, 5e-324, 1.7976931348623157e308, -2.5, 1.0, 1e21}) {
    auto back = boost::json::parse(to_json_text(boost::json::value(d)));
    ASSERT_TRUE(back.is_double()) << d;
    EXPECT_EQ(back.get_double(), d) << d;
  }
}

TEST(Uuid, V7IsCanonicalVersionedAndStrictlyIncreasing) {
  std::string previous;
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    std::string id = uuid_v7();
    ASSERT_TRUE(is_uuid(id)) << id;
    EXPECT_EQ(id[14], '7');                        // version
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);  // RFC 9562 variant
    EXPECT_GT(id, previous);                       // time-ordered within a process
    previous = id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 5000u);
}

TEST(Uuid, ThreadsDrawingFromTheirOwnRandomBuffersNeverRepeatAnId) {
  // Each thread takes its random bits from its own buffer: ids made at the
  // same millisecond on different threads must still differ.
  constexpr int kThreads = 4, kEach = 20'000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kEach; ++i) made[static_cast<size_t>(t)].push_back(uuid_v7());
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> seen;
  std::set<std::string> random_tails;  // the 62 random bits after the variant
  for (const auto& ids : made) {
    for (const auto& id : ids) {
      seen.insert(id);
      random_tails.insert(id.substr(20));
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(random_tails.size(), static_cast<size_t>(kThreads * kEach));
}

TEST(Uuid, RejectsNonCanonicalText) {
  EXPECT_FALSE(is_uuid("01234567-89ab-7def-8123-456789abcde"));
  EXPECT_FALSE(is_uuid("0123456789ab-7def-8123-456789abcdef0"));
  EXPECT_FALSE(is_uuid("01234567-89ab-7def-8123-456789abcdeg"));
  EXPECT_TRUE(is_uuid("01234567-89AB-7DEF-8123-456789ABCDEF"));
}

TEST(Time, FormatsAndParsesRfc3339) {
  auto t = parse_rfc3339("2026-11-25T23:17:57.123456Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "2026-11-25T23:17:57.123456Z");
  EXPECT_EQ(*parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  // Offsets convert to UTC.
  EXPECT_EQ(*parse_rfc3339("2026-01-01T01:30:00+01:30"), *parse_rfc3339("2026-01-01T00:00:00Z"));
  EXPECT_EQ(*parse_rfc3339("2025-12-31T19:00:00-05:00"), *parse_rfc3339("2026-01-01T00:00:00Z"));
  // Fractions shorter and longer than microseconds.
  EXPECT_EQ(*parse_rfc3339("1970-01-01T00:00:00.5Z"), 500000);
  EXPECT_EQ(*parse_rfc3339("1970-01-01T00:00:00.123456789Z"), 123456);
}

TEST(Time, FormatsEveryInstantAsTheCalendarSays) {
  // Against the C library's own calendar (gmtime_r) over five centuries of
  // instants, leap days and the epoch's edges included.
  std::vector<int64_t> instants = {0, -1, 1, 951'782'400'000'000LL /* 2000-02-29 */, 4'107'542'399'999'999LL,
                                   253'402'300'799'999'999LL /* 9999-12-31T23:59:59.999999 */};
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 20'000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    instants.push_back(static_cast<int64_t>(x % 16'000'000'000'000'000ULL) - 6'000'000'000'000'000LL);
  }
  for (int64_t micros : instants) {
    int64_t seconds = micros >= 0 ? micros / 1'000'000 : -((-micros + 999'999) / 1'000'000);
    int64_t fraction = micros - seconds * 1'000'000;
    time_t t = static_cast<time_t>(seconds);
    struct tm utc {};
    ASSERT_NE(gmtime_r(&t, &utc), nullptr);
    char expected[128];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<long long>(fraction));
    ASSERT_EQ(format_rfc3339(micros), expected) << micros;
    ASSERT_EQ(parse_rfc3339(expected), micros) << expected;
  }
}

TEST(Time, RejectsInvalidTimes) {
  for (const char* bad : {"", "2026-11-25", "2026-11-25T23:17:57", "2026-13-01T00:00:00Z",
                          "2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T23:17:57.Z",
                          "2026-11-25T23:17:57Zjunk", "2026-11-25 23:17:57Z"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(Crypto, Sha256MatchesFipsVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(hex_encode(hmac_sha256_raw("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base64UrlMatchesRfc4648Vectors) {
  // RFC 4648 §10, in the URL-safe alphabet without padding.
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64url_encode(plain), encoded);
    EXPECT_EQ(base64url_decode(encoded).value(), plain);
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64url_decode("Zm9v!"));
  EXPECT_FALSE(base64url_decode("Z"));
  EXPECT_FALSE(base64url_decode("Zh"));  // non-canonical trailing bits
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secrets"));
}

TEST(BatchPipe, HandsEveryBatchOverInOrder) {
  BatchPipe<int> pipe(2);
  std::vector<int> received;
  std::thread consumer([&] {
    while (auto batch = pipe.pop()) received.insert(received.end(), batch->begin(), batch->end());
  });
  std::vector<int> sent;
  for (int b = 0; b < 100; ++b) {
    std::vector<int> batch;
    for (int i = 0; i < 10; ++i) batch.push_back(b * 10 + i);
    sent.insert(sent.end(), batch.begin(), batch.end());
    ASSERT_TRUE(pipe.push(std::move(batch)));
  }
  pipe.close();
  consumer.join();
  EXPECT_EQ(received, sent);
}

TEST(BatchPipe, AProducerLearnsThatTheConsumerGaveUp) {
  BatchPipe<int> pipe(1);
  ASSERT_TRUE(pipe.push({1}));
  std::thread consumer([&] {
    auto first = pipe.pop();
    EXPECT_TRUE(first.has_value());
    pipe.abandon();
  });
  // The pipe is full until the consumer takes the first batch; after it
  // abandons, every push fails instead of waiting for ever.
  bool accepted = true;
  for (int i = 0; i < 3 && accepted; ++i) accepted = pipe.push({i});
  consumer.join();
  EXPECT_FALSE(pipe.push({9}));
}

}  // namespace
}  // namespace hafnium::util
