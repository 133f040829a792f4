package credex.rules.lb

import data.credex.lib

# METADATA
# title: HTTPS and TLS listeners use TLS 1.2 or newer
# description: >-
#   A listener's ssl_policy decides the oldest TLS version clients may use. Without one, AWS applies
#   ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1 (deprecated by RFC 8996); so do the 2015/2016, TLS-1-0,
#   TLS-1-1 and FS-2018/2019 policies and the TLS13 policies that keep 1.0 or 1.1. Judged on aws_lb_listener and
#   aws_alb_listener alike; a policy given as an unresolved expression cannot be judged and is reported.
# scope: document
# custom:
#   id: CDX-LB-004
#   severity: deny
#   remediation: >-
#     Set ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06" (or another TLS13-1-2 / TLS-1-2 policy) on every HTTPS
#     and TLS listener.
tls_policy contains finding if {
	some addr, r in lib.listeners
	v := lib.values(r)
	upper(object.get(v, "protocol", "")) in {"HTTPS", "TLS"}
	policy := object.get(v, "ssl_policy", null)
	message := lib.tls_message(policy)
	finding := {"address": addr, "message": message}
}
