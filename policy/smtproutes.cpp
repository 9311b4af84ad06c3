// SMTP routes: model, lookup and TOML form (see smtproutes.h).
#include "policy/smtproutes.h"

#include "policy/destination_key.h"
#include "policy/domain_name.h"
#include "policy/toml_reader.h"

namespace sealpost::policy {

std::vector<std::string> SmtpRoute::hosts() const {
  std::vector<std::string> out;
  for (const auto& d : destinations) out.push_back(d.host);
  return out;
}

const SmtpRoute* SmtpRoutes::lookup(std::string_view destination) const {
  const auto it = find_destination(routes_, destination, kAllKey);
  return it == routes_.end() ? nullptr : &it->second;
}

Status SmtpRoutes::add(std::string_view key, SmtpRoute route) {
  auto k = normalize_destination_key(key, kAllKey);
  if (!k) return k.error();
  if (!routes_.emplace(*k, std::move(route)).second) return Error{"route '" + *k + "' already exists"};
  return ok();
}

Status SmtpRoutes::remove(std::string_view key) {
  auto k = normalize_destination_key(key, kAllKey);
  if (!k) return k.error();
  if (routes_.erase(*k) == 0) return Error{"no route '" + *k + "'"};
  return ok();
}

std::string describe(const SmtpRoute& route, RouteDestination::Secrets secrets) {
  if (route.use_dns()) return std::string(SmtpRoutes::kUseDns);
  std::string out;
  for (const auto& d : route.destinations) out += (out.empty() ? "" : ", ") + d.to_string(secrets);
  return route.implicit_tls ? out + " (implicit TLS)" : out;
}

Result<SmtpRoute> make_route(const std::vector<std::string>& destinations, bool implicit_tls) {
  SmtpRoute route{.destinations = {}, .implicit_tls = implicit_tls};
  if (destinations.empty()) return Error{"a route needs at least one host, or USEDNS"};
  if (destinations.size() > kMaxRouteDestinations) return Error{"a route has at most 32 hosts"};
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    if (destinations[i] == SmtpRoutes::kUseDns) {
      if (destinations.size() != 1) return Error{"USEDNS stands alone in a route"};
      return route;
    }
    auto d = parse_route_destination(destinations[i]);
    if (!d)
      return Error{"host " + std::to_string(i + 1) + " '" + escape_for_display(mask_password(destinations[i])) +
                   "': " + d.error().message};
    route.destinations.push_back(std::move(*d));
  }
  return route;
}

Result<SmtpRoutes> parse_smtproutes(std::string_view text, std::string_view source) {
  namespace tr = toml_reader;
  auto doc = tr::parse(text, source);
  if (!doc) return doc.error();
  SmtpRoutes routes;
  for (const auto& [raw_key, node_ptr] : toml_reader::in_file_order(*doc)) {
    const toml::node& node = *node_ptr;
    const std::string shown = escape_for_display(raw_key);
    const toml::table* t = node.as_table();
    if (!t) return Error{tr::at(source, node) + "'" + shown + "' must be a table: [\"" + shown + "\"]"};
    if (auto s = tr::check_keys(source, *t, shown, {"hosts", "implicit-tls"}); !s) return s.error();
    const toml::array* hosts = t->get_as<toml::array>("hosts");
    if (!hosts) return Error{tr::at(source, node) + "route '" + shown + "': key 'hosts' (a list of strings) is missing"};
    std::vector<std::string> list;
    for (const auto& h : *hosts) {
      const auto s = h.value<std::string>();
      if (!s) return Error{tr::at(source, h) + "route '" + shown + "': key 'hosts' must hold strings"};
      list.push_back(*s);
    }
    bool implicit = false;
    if (const toml::node* flag = t->get("implicit-tls")) {
      if (!flag->is_boolean())
        return Error{tr::at(source, *flag) + "route '" + shown + "': key 'implicit-tls' must be true or false"};
      implicit = *flag->value<bool>();
    }
    auto route = make_route(list, implicit);
    if (!route) return Error{tr::at(source, *hosts) + "route '" + shown + "': " + route.error().message};
    if (auto s = routes.add(raw_key, std::move(*route)); !s) {
      return Error{tr::at(source, node) + "route " + s.error().message};
    }
  }
  return routes;
}

std::string serialize_smtproutes(const SmtpRoutes& routes, RouteDestination::Secrets secrets) {
  std::string out =
      "# Sealpost SMTP routes (sealpost smtproutes). Keys: example.com, .example.com, ALL.\n"
      "# hosts: [user:password@]host[:port] tried in order, or \"USEDNS\".\n";
  for (const auto& [key, route] : routes.entries()) {
    out += "\n[" + toml_reader::key_text(key) + "]\nhosts = [";
    if (route.use_dns()) out += toml_reader::quoted(SmtpRoutes::kUseDns);
    for (std::size_t i = 0; i < route.destinations.size(); ++i) {
      out += (i ? ", " : "") + toml_reader::quoted(route.destinations[i].to_string(secrets));
    }
    out += "]\n";
    if (route.implicit_tls) out += "implicit-tls = true\n";
  }
  return out;
}

}  // namespace sealpost::policy
