package credex.rules.ecs

import data.credex.lib

# METADATA
# title: ECS clusters have Container Insights
# description: >-
#   Without Container Insights a cluster reports no per-task CPU, memory or restart figures, so a task that is
#   failing or being abused goes unseen. The setting containerInsights must be enabled (or enhanced).
# scope: document
# custom:
#   id: CDX-ECS-002
#   severity: deny
#   remediation: Add setting { name = "containerInsights", value = "enabled" } to the aws_ecs_cluster.
container_insights contains finding if {
	some addr, r in lib.resources("aws_ecs_cluster")
	not lib.insights_on(lib.values(r))
	finding := {"address": addr, "message": sprintf("Container Insights is %s", [lib.insights_value(lib.values(r))])}
}
