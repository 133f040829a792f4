package credex.rules.lb

import data.credex.lib

# METADATA
# title: Application load balancers drop invalid header fields
# description: >-
#   An ALB that forwards header fields with invalid names lets a client smuggle headers past the load balancer
#   (HTTP desync, header injection into the service); drop_invalid_header_fields removes them. Judged on aws_lb and
#   aws_alb alike.
# scope: document
# custom:
#   id: CDX-LB-006
#   severity: deny
#   remediation: Set drop_invalid_header_fields = true on the application load balancer (dropInvalidHeaderFields).
invalid_headers contains finding if {
	some addr, lb in lib.application_load_balancers
	not lib.is_true(lib.values(lb), "drop_invalid_header_fields")
	finding := {"address": addr, "message": "drop_invalid_header_fields is not true: invalid header fields reach the service"}
}
