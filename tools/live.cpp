// See live.h.
#include "tools/live.h"

#include <filesystem>

#include "dns/cares_transport.h"
#include "policy/domain_name.h"
#include "policy/time_format.h"

namespace sealpost::cli {

Result<tls::TrustStore> load_trust(const Context& ctx, const Args& args) {
  tls::TrustStore store;
  const auto trusts = args.all("trust");
  for (const auto& t : trusts) {
    const std::filesystem::path as_name = ctx.trust_dir() / (t + ".pem");
    const bool is_name = tls::check_trustpoint_name(t) && std::filesystem::exists(as_name);
    if (!is_name && !std::filesystem::exists(t)) {
      return Error{"--trust '" + t + "' is neither a file nor a trustpoint in " + ctx.trust_dir().string()};
    }
    auto tp = tls::load_trustpoint_file(is_name ? as_name : std::filesystem::path(t),
                                        is_name ? t : std::filesystem::path(t).stem().string());
    if (!tp) return tp.error();
    store.add(std::move(*tp));
  }
  if (trusts.empty()) {
    if (auto s = store.load_directory(ctx.trust_dir()); !s) return s.error();
  }
  if (!args.has("no-system-trust")) {
    if (auto s = store.load_system_bundle(); !s) return s.error();
  }
  return store;
}

Result<std::unique_ptr<LiveRun>> live_run_from(const Context& ctx, const Args& args) {
  auto run = std::make_unique<LiveRun>();
  run->dns_servers = args.all("dns-server");
  if (auto h = args.get("helo")) {
    if (!policy::normalize_reference_name(*h)) return Error{"--helo '" + policy::escape_for_display(*h) + "' is not a host name"};
    run->session.helo_name = *h;
  }
  auto timeout = count_option(args, "timeout", 1, 3600);
  if (!timeout) return timeout.error();
  if (*timeout) {
    // One bound for every network step: an operator's probe should not wait RFC 5321's minutes.
    const std::chrono::milliseconds t{std::chrono::seconds(**timeout)};
    run->session.timeouts = {
        .connect = t, .greeting = t, .command = t, .tls_handshake = t, .data_start = t, .data_block = t, .data_end = t};
  }
  if (auto at = args.get("at")) {
    auto t = policy::parse_rfc3339(*at);
    if (!t) return Error{"--at " + t.error().message};
    run->session.validation_time = *t;
  }
  auto trust = load_trust(ctx, args);
  if (!trust) return trust.error();
  run->trust = std::move(*trust);
  return run;
}

Status run_live(LiveRun& run, const std::function<boost::asio::awaitable<void>(dns::Resolver&)>& body) {
  run.session.trust = &run.trust;
  run.session.tls = &run.tls;
  boost::asio::io_context io;
  auto transport = dns::CaresTransport::create(io, {.servers = run.dns_servers});
  if (!transport) return transport.error();
  dns::Resolver resolver(**transport);
  boost::asio::co_spawn(io, body(resolver), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  return ok();
}

Result<mta::DeliveryResult> run_delivery(LiveRun& run, mta::DeliveryRequest request, mta::OutcomeSink sink) {
  std::optional<mta::DeliveryResult> result;
  auto s = run_live(run, [&](dns::Resolver& resolver) -> boost::asio::awaitable<void> {
    result = co_await mta::deliver(run.session, resolver, std::move(request), std::move(sink));
  });
  if (!s) return s.error();
  if (!result) return Error{"delivery did not finish"};
  return std::move(*result);
}

}  // namespace sealpost::cli
