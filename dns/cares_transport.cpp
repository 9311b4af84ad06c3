// c-ares 1.18 on Asio (see cares_transport.h). c-ares owns its sockets: Asio only watches
// them through stream_descriptors that are released, never closed, when c-ares says a socket
// is gone. Asio's waits are one-shot, so each wait is re-armed after c-ares has read.
#include "dns/cares_transport.h"

#include <ares.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>

#include "asio/asio.h"

namespace sealpost::dns {
namespace {

using boost::asio::posix::stream_descriptor;

std::string cares_error(int status) {
  switch (status) {
    case ARES_ETIMEOUT: return "timeout: no answer from the DNS server";
    case ARES_ECONNREFUSED: return "the DNS server refused the connection";
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION: return "the DNS lookup was cancelled";
    default: return std::string("DNS transport error: ") + ares_strerror(status);
  }
}

}  // namespace

struct CaresTransport::State : std::enable_shared_from_this<State> {
  struct Watch {
    explicit Watch(boost::asio::io_context& io, int fd) : descriptor(io, fd) {}
    stream_descriptor descriptor;
    bool want_read = false, want_write = false;
    bool reading = false, writing = false;
    bool closed = false;
  };
  struct Pending {
    std::weak_ptr<State> state;
    Handler handler;
    std::unique_ptr<boost::asio::steady_timer> deadline;
    bool done = false;
  };

  explicit State(boost::asio::io_context& ctx) : io(ctx), timer(ctx) {}

  boost::asio::io_context& io;
  ares_channel channel = nullptr;
  boost::asio::steady_timer timer;
  std::map<int, std::shared_ptr<Watch>> watches;
  std::chrono::milliseconds deadline{5000};
  std::mt19937 ids{std::random_device{}()};
  std::size_t max_in_flight = 100;
  std::size_t in_flight = 0;
  std::deque<std::pair<std::vector<std::uint8_t>, Pending*>> waiting;

  void send(std::vector<std::uint8_t> query, Pending* p) {
    if (in_flight >= max_in_flight) {
      waiting.emplace_back(std::move(query), p);
      return;
    }
    ++in_flight;
    ares_send(channel, query.data(), static_cast<int>(query.size()), &State::on_answer_counted, p);
  }

  void send_waiting() {
    while (in_flight < max_in_flight && !waiting.empty() && channel) {
      auto [query, p] = std::move(waiting.front());
      waiting.pop_front();
      if (p->done) {  // its deadline passed while it waited: the handler was answered already
        delete p;
        continue;
      }
      send(std::move(query), p);
    }
  }

  static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
    auto* self = static_cast<State*>(data);
    auto it = self->watches.find(fd);
    if (!readable && !writable) {
      if (it != self->watches.end()) {
        it->second->closed = true;
        boost::system::error_code ignored;
        it->second->descriptor.cancel(ignored);
        it->second->descriptor.release();  // c-ares closes the socket itself
        self->watches.erase(it);
      }
      return;
    }
    if (it == self->watches.end()) it = self->watches.emplace(fd, std::make_shared<Watch>(self->io, fd)).first;
    it->second->want_read = readable;
    it->second->want_write = writable;
    self->arm(it->second, fd);
  }

  void arm(const std::shared_ptr<Watch>& w, int fd) {
    if (w->want_read && !w->reading) {
      w->reading = true;
      w->descriptor.async_wait(stream_descriptor::wait_read,
                               [self = shared_from_this(), w, fd](const boost::system::error_code& ec) {
                                 w->reading = false;
                                 if (ec || w->closed || !self->channel) return;
                                 ares_process_fd(self->channel, fd, ARES_SOCKET_BAD);
                                 if (!w->closed) self->arm(w, fd);
                                 self->reschedule();
                               });
    }
    if (w->want_write && !w->writing) {
      w->writing = true;
      w->descriptor.async_wait(stream_descriptor::wait_write,
                               [self = shared_from_this(), w, fd](const boost::system::error_code& ec) {
                                 w->writing = false;
                                 if (ec || w->closed || !self->channel) return;
                                 ares_process_fd(self->channel, ARES_SOCKET_BAD, fd);
                                 if (!w->closed) self->arm(w, fd);
                                 self->reschedule();
                               });
    }
  }

  // One timer for c-ares' own retransmissions and timeouts.
  void reschedule() {
    if (!channel) return;
    timeval tv{};
    if (!ares_timeout(channel, nullptr, &tv)) {
      timer.cancel();
      return;
    }
    timer.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
    timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || !self->channel) return;
      ares_process_fd(self->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      self->reschedule();
    });
  }

  static void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    std::unique_ptr<Pending> p(static_cast<Pending*>(arg));
    if (p->done) return;  // the deadline already answered
    p->done = true;
    if (p->deadline) p->deadline->cancel();
    Result<Message> result = Error{cares_error(status)};
    if (status == ARES_SUCCESS) {
      auto parsed = parse_message({abuf, static_cast<std::size_t>(alen)});
      result = parsed ? Result<Message>(std::move(*parsed)) : Error{"malformed DNS answer: " + parsed.error().message};
    }
    auto state = p->state.lock();
    if (!state) return;
    boost::asio::post(state->io, [h = std::move(p->handler), r = std::move(result)]() mutable { h(std::move(r)); });
  }

  // Every query that reached c-ares ends here exactly once.
  static void on_answer_counted(void* arg, int status, int timeouts, unsigned char* abuf, int alen) {
    auto state = static_cast<Pending*>(arg)->state.lock();
    on_answer(arg, status, timeouts, abuf, alen);
    if (state) {
      --state->in_flight;
      state->send_waiting();
    }
  }
};

Result<std::unique_ptr<CaresTransport>> CaresTransport::create(boost::asio::io_context& io, CaresOptions options) {
  static const int library = ares_library_init(ARES_LIB_INIT_ALL);
  if (library != ARES_SUCCESS) return Error{std::string("c-ares: ") + ares_strerror(library)};
  auto state = std::make_shared<State>(io);
  state->deadline = options.deadline;
  state->max_in_flight = std::max<std::size_t>(1, options.max_in_flight);
  ares_options o{};
  o.flags = ARES_FLAG_NOCHECKRESP;
  o.timeout = static_cast<int>(options.try_timeout.count());
  o.tries = options.tries;
  o.sock_state_cb = &State::on_socket_state;
  o.sock_state_cb_data = state.get();
  const int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
  if (const int rc = ares_init_options(&state->channel, &o, mask); rc != ARES_SUCCESS) {
    return Error{std::string("c-ares: ") + ares_strerror(rc)};
  }
  if (!options.servers.empty()) {
    std::string csv;
    for (const auto& s : options.servers) csv += (csv.empty() ? "" : ",") + s;
    if (const int rc = ares_set_servers_ports_csv(state->channel, csv.c_str()); rc != ARES_SUCCESS) {
      ares_destroy(state->channel);
      state->channel = nullptr;
      return Error{"DNS servers '" + csv + "': " + ares_strerror(rc)};
    }
  }
  return std::unique_ptr<CaresTransport>(new CaresTransport(std::move(state)));
}

CaresTransport::~CaresTransport() {
  // Pending queries end with ARES_EDESTRUCTION; their handlers are posted, then dropped with
  // the io_context or run, as the owner decides.
  if (state_->channel) ares_destroy(state_->channel);
  state_->channel = nullptr;  // handlers still queued see it and stop
  for (auto& [query, p] : state_->waiting) {
    if (!p->done) {
      p->done = true;
      boost::asio::post(state_->io, [h = std::move(p->handler)]() mutable { h(Error{"the DNS lookup was cancelled"}); });
    }
    delete p;
  }
  state_->waiting.clear();
  state_->timer.cancel();
}

void CaresTransport::query(const std::string& name, RrType type, Handler handler) {
  auto query = build_query(name, type, static_cast<std::uint16_t>(state_->ids()));
  if (!query) {
    boost::asio::post(state_->io, [h = std::move(handler), e = query.error()]() mutable { h(e); });
    return;
  }
  auto* p = new State::Pending{.state = state_, .handler = std::move(handler), .deadline = nullptr, .done = false};
  p->deadline = std::make_unique<boost::asio::steady_timer>(state_->io, state_->deadline);
  p->deadline->async_wait([p, weak = std::weak_ptr<State>(state_)](const boost::system::error_code& ec) {
    // p stays alive until c-ares calls on_answer, which always happens (answer, timeout or
    // ares_destroy); here only the handler is answered early.
    if (ec || p->done) return;
    p->done = true;
    if (auto state = weak.lock()) {
      boost::asio::post(state->io,
                        [h = std::move(p->handler)]() mutable { h(Error{"timeout: the DNS lookup passed its deadline"}); });
    }
  });
  state_->send(std::move(*query), p);
  state_->reschedule();
}

}  // namespace sealpost::dns
