# Data: read or describe actions (and a few writes) for which AWS defines no resource type, so a policy
# can only grant them on "*". Lower-case glob patterns ("*" does not cross ":"). Extend this list, with the
# reason, when AWS's service authorization reference shows an action has no resource-level permissions.
package credex.lib

unscopable_actions := {
	# Describe/list/get-caller style reads across services.
	"*:describe*",
	"sts:getcalleridentity",
	# Docker login to ECR.
	"ecr:getauthorizationtoken",
	# Metrics and traces.
	"cloudwatch:putmetricdata",
	"cloudwatch:getmetricdata",
	"cloudwatch:listmetrics",
	"xray:puttracesegments",
	"xray:puttelemetryrecords",
	"xray:getsamplingrules",
	"xray:getsamplingtargets",
	# ECS Exec channels.
	"ssmmessages:createcontrolchannel",
	"ssmmessages:createdatachannel",
	"ssmmessages:opencontrolchannel",
	"ssmmessages:opendatachannel",
	# SSM agent messaging (AmazonSSMManagedInstanceCore).
	"ec2messages:acknowledgemessage",
	"ec2messages:deletemessage",
	"ec2messages:failmessage",
	"ec2messages:getendpoint",
	"ec2messages:getmessages",
	"ec2messages:sendreply",
	# Task definitions are registered without a resource ARN.
	"ecs:registertaskdefinition",
	"ecs:deregistertaskdefinition",
	"ecs:listtaskdefinitions",
	"ecs:listclusters",
	# Listings that take no resource.
	"secretsmanager:listsecrets",
	"secretsmanager:getrandompassword",
	"iam:listroles",
	"iam:listpolicies",
	"kms:listaliases",
	"logs:describeloggroups",
	"sns:listtopics",
	"cloudwatch:listdashboards",
	"dlm:getlifecyclepolicies",
	"tag:getresources",
	"acm:listcertificates",
}
