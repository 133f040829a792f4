package credex.rules.ecs_test

import data.credex.rules.ecs

task(containers) := {"resources": {"aws_ecs_task_definition.t": {"type": "aws_ecs_task_definition", "name": "t", "mode": "managed", "values": {"container_definitions": json.marshal(containers)}}}}

test_privileged_01_denied if {
	some f in ecs.privileged_container with input as task([{"name": "api", "privileged": true}])
	contains(f.message, "container 0 (api)")
	some g in ecs.privileged_container with input as task([{"image": "x"}, {"privileged": true}])
	contains(g.message, "container 1")
}

test_privileged_02_ok if {
	count(ecs.privileged_container) == 0 with input as task([{"name": "api", "privileged": false}, {"name": "sidecar"}])
}

# Fail closed: "true" is true, and what the gate cannot read is reported (a privileged flag or the whole list).
test_privileged_03_meaning_and_unresolved if {
	count(ecs.privileged_container) == 1 with input as task([{"name": "api", "privileged": "true"}])
	some f in ecs.privileged_container with input as task([{"name": "api", "privileged": "${var.privileged}"}])
	contains(f.message, "privileged is the unresolved expression ${var.privileged} and cannot be judged")
	some g in ecs.privileged_container with input as {"resources": {"aws_ecs_task_definition.t": {"type": "aws_ecs_task_definition", "name": "t", "mode": "managed", "values": {"container_definitions": "${file(\"x\")}"}}}}
	contains(g.message, "cannot be judged")
	count(ecs.privileged_container) == 1 with input as task(["${var.sidecar}", {"name": "api"}])
	count(ecs.privileged_container) == 1 with input as {"resources": {"aws_ecs_task_definition.t": {"type": "aws_ecs_task_definition", "name": "t", "mode": "managed", "values": {"container_definitions": "{\"name\": \"api\"}"}}}}
}

test_insights_01_unresolved if {
	some f in ecs.container_insights with input as {"resources": {"aws_ecs_cluster.c": {"type": "aws_ecs_cluster", "name": "c", "mode": "managed", "values": {"setting": {"name": "containerInsights", "value": "${var.insights}"}}}}}
	contains(f.message, "cannot be judged")
}
