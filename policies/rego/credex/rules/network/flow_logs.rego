package credex.rules.network

import data.credex.lib

# METADATA
# title: VPCs have flow logs
# description: >-
#   Without flow logs there is no record of which hosts talked to the database or the internet during an
#   incident. Judged on aws_vpc and on aws_default_vpc (a configuration that adopts the default VPC).
# scope: document
# custom:
#   id: CDX-NET-002
#   severity: deny
#   partial_view:
#     aws_flow_log: >-
#       Only the message's note lists flow logs whose vpc_id is known only after apply; whether a VPC has a flow log
#       is judged through the flow log's reference to it. Copying every flow log into every chunk (one per VPC in
#       large plans) would cost more than a shorter note in a chunked document.
#   remediation: Add an aws_flow_log with vpc_id set to the VPC (traffic_type ALL) and a log group with retention.
vpc_flow_logs contains finding if {
	some addr, vpc in lib.vpcs
	not lib.has_flow_log(addr, vpc)
	finding := {"address": addr, "message": sprintf("no aws_flow_log refers to this VPC%s", [lib.unmatched_flow_logs_note])}
}
