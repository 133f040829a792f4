package credex.rules.lb

import data.credex.lib

# METADATA
# title: HTTP listeners redirect to HTTPS
# description: >-
#   An HTTP listener that forwards to the service sends credentials and tokens in clear text; it should only
#   redirect to HTTPS. Staging without a certificate may forward (hence a warning); production is judged by
#   CDX-LB-002.
# scope: document
# custom:
#   id: CDX-LB-001
#   severity: warn
#   remediation: Give the HTTP listener a default_action of type "redirect" to HTTPS on 443 (status HTTP_301).
http_forward contains finding if {
	lib.environment != "production"
	some addr, r in lib.http_listeners
	some a in lib.forwarding_actions(lib.values(r))
	finding := {"address": addr, "message": sprintf("the HTTP listener's default action is %s instead of redirect", [a])}
}
