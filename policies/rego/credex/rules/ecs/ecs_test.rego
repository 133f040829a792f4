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
	count(ecs.privileged_container) == 0 with input as {"resources": {"aws_ecs_task_definition.t": {"type": "aws_ecs_task_definition", "name": "t", "mode": "managed", "values": {"container_definitions": "${file(\"x\")}"}}}}
}
