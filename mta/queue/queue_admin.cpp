// The queue runner's administration (`sealpost queue hold|release|delete|flush`, queue_runner.h):
// a message being delivered is held or deleted when its attempt ends; release and flush
// schedule it now. Split from queue_runner.cpp, which keeps delivery.
#include "mta/queue/queue_runner.h"

namespace sealpost::mta {

void QueueRunner::remove_now(const std::string& id) {
  (void)spool_.remove(id);
  forget(id);
  (*log_)(LogLevel::kInfo, id + ": removed by the administrator");
}

void QueueRunner::hold_now(const std::string& id) {
  if (!queued(id)) return;  // delivered meanwhile
  QueueState st = spool_.state(id);
  st.held = true;
  if (auto s = spool_.save_state(id, st); !s) (*log_)(LogLevel::kError, id + ": " + s.error().message);
  forget(id);
  (*log_)(LogLevel::kInfo, id + ": held by the administrator");
}

// Deleting or holding a message being delivered waits for its attempt to end (`after`).
QueueAnswer QueueRunner::now_or_after(const std::string& id, std::set<std::string>& after,
                                      void (QueueRunner::*now)(const std::string&), const std::string& done) {
  if (!queued(id)) return {.ok = false, .text = id + ": no such message in the queue\n"};
  if (in_flight_.contains(id)) {
    after.insert(id);
    return {.ok = true, .text = id + ": being delivered; " + done + " when this attempt ends\n"};
  }
  (this->*now)(id);
  return {.ok = true, .text = id + ": " + done + "\n"};
}

QueueAnswer QueueRunner::remove(const std::string& id) {
  return now_or_after(id, delete_after_, &QueueRunner::remove_now, "deleted");
}

QueueAnswer QueueRunner::hold(const std::string& id) { return now_or_after(id, hold_after_, &QueueRunner::hold_now, "held"); }

QueueAnswer QueueRunner::release(const std::string& id) {
  if (!queued(id)) return {.ok = false, .text = id + ": no such message in the queue\n"};
  QueueState st = spool_.state(id);
  hold_after_.erase(id);
  if (!st.held) return {.ok = false, .text = id + ": not held\n"};
  st.held = false;
  st.next_attempt = 0;
  if (auto s = spool_.save_state(id, st); !s) return {.ok = false, .text = s.error().message + "\n"};
  schedule_.set(id, 0);
  wake();
  (*log_)(LogLevel::kInfo, id + ": released by the administrator");
  return {.ok = true, .text = id + ": released\n"};
}

QueueAnswer QueueRunner::flush(const std::string& id) {
  if (!queued(id)) return {.ok = false, .text = id + ": no such message in the queue\n"};
  if (spool_.state(id).held) return {.ok = false, .text = id + ": held; release it to deliver it\n"};
  schedule_.set(id, 0);
  wake();
  return {.ok = true, .text = id + ": scheduled now\n"};
}

std::size_t QueueRunner::flush_all() {
  for (const auto& id : schedule_.ids()) schedule_.set(id, 0);
  wake();
  return schedule_.size();
}

}  // namespace sealpost::mta
