// Static routes for bench/relay-vs-peers.sh: the get_mx hook (Haraka's documented way to
// replace the MX lookup) answers with the host in config/static_routes, one
// "domain host-name address:port" per line, as smtproutes does for Sealpost and
// transport_maps for Postfix. The address is given because Haraka resolves an exchange name
// with DNS queries, not /etc/hosts; the name goes in from_dns, which Haraka's outbound TLS
// sends as SNI, checks the certificate against (Node's checkServerIdentity) and matches
// force_tls_hosts with, as for a host found by an MX lookup.
'use strict'

exports.register = function () {
    this.routes = {}
    for (const line of this.config.get('static_routes', 'list')) {
        const [domain, name, hostport] = line.trim().split(/\s+/)
        const [address, port] = hostport.split(':')
        this.routes[domain.toLowerCase()] = { exchange: address, from_dns: name, port: Number(port), priority: 0 }
    }
}

exports.hook_get_mx = function (next, hmail, domain) {
    const route = this.routes[domain.toLowerCase()]
    if (!route) return next()
    next(OK, route)
}
