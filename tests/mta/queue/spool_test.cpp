// The spool without the network: its file format and commit protocol (DESIGN.md "The
// spool"), and what a truncated or damaged file is (not a message).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mta/queue/spool.h"

namespace sealpost::mta {
namespace {

namespace fs = std::filesystem;

class SpoolTest : public testing::Test {
 protected:
  void SetUp() override { dir_ = fs::temp_directory_path() / ("sealpost-spool-test-" + std::to_string(::getpid())); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SpoolTest, CommitLoadStateAndRemove) {
  auto spool = Spool::open(dir_);
  ASSERT_TRUE(spool) << spool.error().message;
  const Envelope e{.from = "a@x.test", .recipients = {"b@y.test", "c@z.test"}, .content = "Subject: s\r\n\r\n.\r\nend\r\n"};
  auto id = spool->commit("[127.0.0.1]", e, std::chrono::system_clock::now());
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(spool->list(), std::vector<std::string>{*id});
  auto m = spool->load(*id);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->envelope.content, e.content);
  EXPECT_EQ(m->envelope.recipients, e.recipients);
  // No temporary file is left next to the committed one.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& f : fs::directory_iterator(dir_ / "queue")) ++files;
  EXPECT_EQ(files, 1u);

  QueueState st{.attempts = 2, .next_attempt = 1767225600};
  st.finished.push_back(
      {.address = "b@y.test", .status = RecipientStatus::kSent, .status_code = "2.0.0", .reply = "mx said: 250 ok queued"});
  ASSERT_TRUE(spool->save_state(*id, st));
  const QueueState back = spool->state(*id);
  EXPECT_EQ(back.attempts, 2u);
  EXPECT_EQ(back.next_attempt, 1767225600);
  ASSERT_EQ(back.finished.size(), 1u);
  EXPECT_EQ(back.finished[0].reply, "mx said: 250 ok queued");

  // `sealpost queue list` shows why the rest waits: the last deferral per recipient.
  st.held = true;
  st.last_deferred.push_back({.address = "c@z.test",
                              .status = RecipientStatus::kDeferred,
                              .status_code = "4.7.5",
                              .reply = "certificate chain not trusted"});
  ASSERT_TRUE(spool->save_state(*id, st));
  const QueueState again = spool->state(*id);
  EXPECT_TRUE(again.held);
  ASSERT_EQ(again.last_deferred.size(), 1u);
  EXPECT_EQ(again.last_deferred[0].address, "c@z.test");
  EXPECT_EQ(again.last_deferred[0].status_code, "4.7.5");
  EXPECT_EQ(again.last_deferred[0].reply, "certificate chain not trusted");
  ASSERT_TRUE(spool->remove(*id));
  EXPECT_TRUE(spool->list().empty());
}

TEST_F(SpoolTest, TruncatedOrDamagedFilesAreNotMessages) {
  const QueuedMessage m{.id = "0123456789ABCDEF",
                        .received = "2026-01-01T00:00:00Z",
                        .client = "[127.0.0.1]",
                        .envelope = {.from = "", .recipients = {"b@y.test"}, .content = "hello\r\n"}};
  const std::string text = serialize_message(m);
  ASSERT_TRUE(parse_message(text, "t"));
  for (std::size_t cut = 0; cut < text.size(); ++cut) {
    EXPECT_FALSE(parse_message(text.substr(0, cut), "t")) << "cut at " << cut;
  }
  std::string other_id = text;
  other_id.replace(other_id.rfind("0123456789ABCDEF"), 16, "FEDCBA9876543210");
  EXPECT_FALSE(parse_message(other_id, "t"));
  // A damaged message goes to corrupt/, never to delivery.
  auto spool = Spool::open(dir_);
  ASSERT_TRUE(spool);
  std::ofstream(dir_ / "queue" / "0123456789ABCDEF.msg") << text.substr(0, text.size() - 3);
  EXPECT_FALSE(spool->load("0123456789ABCDEF"));
  ASSERT_TRUE(spool->quarantine("0123456789ABCDEF"));
  EXPECT_TRUE(fs::exists(dir_ / "corrupt" / "0123456789ABCDEF.msg"));
  EXPECT_TRUE(spool->list().empty());
}

// RFC 6531: the spool keeps the SMTPUTF8 flag and the addresses as received; a file without
// the line (every earlier version's) is a message without the flag.
TEST_F(SpoolTest, KeepsTheSmtputf8FlagAndTheAddresses) {
  QueuedMessage m{.id = "0123456789ABCDEF",
                  .received = "2026-01-01T00:00:00Z",
                  .client = "[127.0.0.1]",
                  .envelope = {.from = "\xC3\xBC@b\xC3\xBC"
                                       "cher.example",
                               .recipients = {"\xE7\x94\xA8@example.com"},
                               .content = "Subject: \xC3\xBC\r\n\r\nhi\r\n",
                               .smtputf8 = true}};
  auto back = parse_message(serialize_message(m), "t");
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->envelope.smtputf8);
  EXPECT_EQ(back->envelope.from, m.envelope.from);
  EXPECT_EQ(back->envelope.recipients, m.envelope.recipients);
  m.envelope.smtputf8 = false;
  const std::string plain = serialize_message(m);
  EXPECT_EQ(plain.find("smtputf8"), std::string::npos);
  ASSERT_TRUE(parse_message(plain, "t"));
  EXPECT_FALSE(parse_message(plain, "t")->envelope.smtputf8);
  std::string bad = plain;
  bad.insert(bad.find("rcpt: "), "smtputf8: no\n");
  EXPECT_FALSE(parse_message(bad, "t"));
}

}  // namespace
}  // namespace sealpost::mta
