# Terraform expressions inside policy strings, resolved to the values AWS will see at request time.
#
# A synthesized stack names resources by reference ("${aws_secretsmanager_secret.db.arn}") and IAM policies compare
# ARNs as strings, so judging whether a policy allows a call needs the ARN each reference will have. This file
# models the ARN (and id) of the resource types the estate uses from their literal attributes, in one account,
# partition and region (input.account, input.partition, input.region); generated parts (key ids, load balancer
# ids) become stable made-up ids derived from the Terraform address. A reference the model cannot resolve stays
# unresolved: it matches nothing and is reported, never guessed.
package credex.effective

import data.credex.lib

# The account every modelled ARN belongs to (any 12 digits: the policies compare it with itself).
account := object.get(input, "account", "111122223333")

partition := object.get(input, "partition", "aws")

region := object.get(input, "region", "us-east-1")

# Marks a string the model could not resolve (kept for the report, matches no pattern).
unresolved_mark := "\uE001unresolved:"

# IAM policy variables written "$${aws:...}" in Terraform JSON stay policy variables.
escaped_mark := "\uE000"

# A string with every Terraform expression replaced by its modelled value, or undefined when one cannot be.
resolve(s) := s if {
	is_string(s)
	not contains(s, "${")
}

resolve(s) := out if {
	is_string(s)
	contains(s, "${")
	protected := replace(s, "$${", escaped_mark)
	exprs := {m[1] | some m in regex.find_all_string_submatch_n(`\$\{([^{}]*)\}`, protected, -1)}
	replacements := {sprintf("${%s}", [e]): v | some e in exprs; v := expr_value(e)}
	count(replacements) == count(exprs)
	out := replace(strings.replace_n(replacements, protected), escaped_mark, "${")
}

# The resolved string, or the original behind the unresolved mark.
res(s) := resolve(s)

res(s) := concat("", [unresolved_mark, s]) if {
	is_string(s)
	not resolve(s)
}

# Every string of a list-of-strings attribute, resolved.
res_list(x) := [res(s) | some s in lib.string_list(x)]

is_unresolved(s) if startswith(s, unresolved_mark)

# The original text of an unresolved string.
unresolved_text(s) := substring(s, count(unresolved_mark), -1)

# An IAM policy variable ("aws:PrincipalTag/environment", "aws:username") is kept as it is: IAM fills it in.
expr_value(e) := sprintf("${%s}", [e]) if {
	contains(e, ":")
	not contains(e, "(")
}

# A reference to one attribute of a resource or data source.
expr_value(e) := v if {
	m := regex.find_all_string_submatch_n(`^((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)$`, e, 1)
	count(m) == 1
	v := ref_value(m[0][1], m[0][2])
}

# element(split(":", aws_x.y.arn), 4): a part of a modelled value (the account of an ARN).
expr_value(e) := parts[to_number(m[0][4])] if {
	m := regex.find_all_string_submatch_n(`^element\(split\("([^"]*)", ((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\), ([0-9]+)\)$`, e, 1)
	count(m) == 1
	parts := split(ref_value(m[0][2], m[0][3]), m[0][1])
}

# The address a whole-string reference points at ("${aws_iam_role.r.arn}" -> "aws_iam_role.r").
ref_address(s) := m[0][1] if {
	is_string(s)
	m := regex.find_all_string_submatch_n(`^\$\{((?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\.[A-Za-z0-9_]+\}$`, s, 1)
	count(m) == 1
}

type_of(addr) := input.resources[addr].type

values_of(addr) := lib.values(input.resources[addr])

literal(v) if {
	is_string(v)
	v != ""
	not contains(v, "${")
}

# A literal attribute of a resource.
literal_attr(addr, attr) := v if {
	v := object.get(values_of(addr), attr, null)
	literal(v)
}

ref_value(addr, "account_id") := account if startswith(addr, "data.aws_caller_identity.")

ref_value(addr, "partition") := partition if startswith(addr, "data.aws_partition.")

ref_value(addr, attr) := region if {
	startswith(addr, "data.aws_region.")
	attr in {"name", "region", "id"}
}

ref_value(addr, "arn") := arn_of(addr) if not startswith(addr, "data.aws_caller_identity.")

ref_value(addr, "id") := id_of(addr) if not startswith(addr, "data.aws_region.")

ref_value(addr, attr) := v if {
	not attr in {"arn", "id", "account_id", "partition"}
	not startswith(addr, "data.aws_region.")
	v := attr_of(addr, attr)
}

# Other attributes: the literal value, else what the type's model says.
attr_of(addr, attr) := v if {
	v := literal_attr(addr, attr)
} else := v if {
	v := modelled_attr(type_of(addr), addr, attr)
}

modelled_attr("aws_kms_key", addr, "key_id") := generated_id(addr)

modelled_attr(type, addr, "repository_url") := sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", [account, region, name_of(addr)]) if type == "aws_ecr_repository"

modelled_attr(type, addr, "arn_suffix") := trim_prefix(arn_of(addr), sprintf("arn:%s:elasticloadbalancing:%s:%s:", [partition, region, account])) if type in load_balancing_types

modelled_attr("aws_s3_bucket", addr, "bucket") := name_of(addr)

modelled_attr("aws_iam_role", addr, "name") := name_of(addr)

modelled_attr("aws_iam_instance_profile", addr, "name") := name_of(addr)

load_balancing_types := {"aws_lb", "aws_alb", "aws_lb_target_group", "aws_alb_target_group", "aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule", "aws_alb_listener_rule"}

# A stable made-up id for a part AWS generates (key id, load balancer id): letters, digits and hyphens.
generated_id(addr) := concat("", ["gen-", strings.replace_n({".": "-", "_": "-"}, addr)])

# The resource's name: its literal name attribute, or its name prefix with a generated suffix.
name_of(addr) := v if {
	some attr in name_attributes[type_of(addr)]
	v := literal_attr(addr, attr)
} else := concat("", [v, "gen"]) if {
	some attr in prefix_attributes[type_of(addr)]
	v := literal_attr(addr, attr)
}

name_attributes[type] := attrs if {
	some type in modelled_types
	attrs := object.get({"aws_s3_bucket": ["bucket"], "aws_lambda_function": ["function_name"], "aws_ecs_task_definition": ["family"]}, type, ["name"])
}

prefix_attributes[type] := attrs if {
	some type in modelled_types
	attrs := object.get({"aws_s3_bucket": ["bucket_prefix"]}, type, ["name_prefix"])
}

# The resource's ARN: its literal arn attribute (a plan), else the model of its type.
arn_of(addr) := v if {
	v := literal_attr(addr, "arn")
} else := v if {
	v := model_arn(type_of(addr), addr)
}

regional(service, resource) := sprintf("arn:%s:%s:%s:%s:%s", [partition, service, region, account, resource])

iam_arn(kind, addr) := sprintf("arn:%s:iam::%s:%s%s%s", [partition, account, kind, iam_path(addr), name_of(addr)])

iam_path(addr) := object.get(values_of(addr), "path", "/")

modelled_types := {
	"aws_iam_role", "aws_iam_policy", "aws_iam_instance_profile", "aws_iam_user", "aws_iam_group",
	"aws_secretsmanager_secret", "aws_cloudwatch_log_group", "aws_sns_topic", "aws_cloudtrail",
	"aws_s3_bucket", "aws_cloudwatch_event_rule", "aws_lambda_function", "aws_ecr_repository", "aws_ecs_cluster",
	"aws_ecs_service", "aws_ecs_task_definition", "aws_lb", "aws_alb", "aws_lb_target_group",
	"aws_alb_target_group", "aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule", "aws_alb_listener_rule",
	"aws_kms_key", "aws_kms_alias", "aws_cloudwatch_metric_alarm", "aws_instance", "aws_ebs_volume",
	"aws_security_group", "aws_subnet", "aws_vpc", "aws_network_interface", "aws_dlm_lifecycle_policy",
	"aws_wafv2_web_acl", "aws_iam_openid_connect_provider",
}

model_arn("aws_iam_role", addr) := iam_arn("role", addr)

model_arn("aws_iam_policy", addr) := iam_arn("policy", addr)

model_arn("aws_iam_instance_profile", addr) := iam_arn("instance-profile", addr)

model_arn("aws_iam_user", addr) := iam_arn("user", addr)

model_arn("aws_iam_group", addr) := iam_arn("group", addr)

model_arn("aws_iam_openid_connect_provider", addr) := sprintf("arn:%s:iam::%s:oidc-provider/%s", [partition, account, trim_prefix(literal_attr(addr, "url"), "https://")])

# Secrets Manager appends "-" and six random characters to a secret's name.
model_arn("aws_secretsmanager_secret", addr) := regional("secretsmanager", sprintf("secret:%s-AbCdEf", [name_of(addr)]))

model_arn("aws_kms_key", addr) := regional("kms", sprintf("key/%s", [generated_id(addr)]))

model_arn("aws_kms_alias", addr) := regional("kms", name_of(addr))

model_arn("aws_cloudwatch_log_group", addr) := regional("logs", sprintf("log-group:%s", [name_of(addr)]))

model_arn("aws_sns_topic", addr) := regional("sns", name_of(addr))

model_arn("aws_cloudtrail", addr) := regional("cloudtrail", sprintf("trail/%s", [name_of(addr)]))

model_arn("aws_s3_bucket", addr) := sprintf("arn:%s:s3:::%s", [partition, name_of(addr)])

model_arn("aws_cloudwatch_event_rule", addr) := regional("events", sprintf("rule/%s", [name_of(addr)]))

model_arn("aws_lambda_function", addr) := regional("lambda", sprintf("function:%s", [name_of(addr)]))

model_arn("aws_ecr_repository", addr) := regional("ecr", sprintf("repository/%s", [name_of(addr)]))

model_arn("aws_ecs_cluster", addr) := regional("ecs", sprintf("cluster/%s", [name_of(addr)]))

model_arn("aws_ecs_service", addr) := regional("ecs", sprintf("service/%s/%s", [cluster_name(addr), name_of(addr)]))

model_arn("aws_ecs_task_definition", addr) := regional("ecs", sprintf("task-definition/%s:1", [name_of(addr)]))

model_arn(type, addr) := regional("elasticloadbalancing", sprintf("loadbalancer/app/%s/%s", [name_of(addr), generated_id(addr)])) if type in {"aws_lb", "aws_alb"}

model_arn(type, addr) := regional("elasticloadbalancing", sprintf("targetgroup/%s/%s", [name_of(addr), generated_id(addr)])) if type in {"aws_lb_target_group", "aws_alb_target_group"}

model_arn(type, addr) := regional("elasticloadbalancing", sprintf("listener/app/%s/%s", [load_balancer_path(lb), generated_id(addr)])) if {
	type in {"aws_lb_listener", "aws_alb_listener"}
	lb := ref_address(values_of(addr).load_balancer_arn)
}

model_arn(type, addr) := regional("elasticloadbalancing", sprintf("listener-rule/app/%s/%s/%s", [load_balancer_path(lb), generated_id(listener), generated_id(addr)])) if {
	type in {"aws_lb_listener_rule", "aws_alb_listener_rule"}
	listener := ref_address(values_of(addr).listener_arn)
	lb := ref_address(values_of(listener).load_balancer_arn)
}

model_arn("aws_cloudwatch_metric_alarm", addr) := regional("cloudwatch", sprintf("alarm:%s", [literal_attr(addr, "alarm_name")]))

model_arn("aws_dlm_lifecycle_policy", addr) := regional("dlm", sprintf("policy/%s", [generated_id(addr)]))

model_arn("aws_wafv2_web_acl", addr) := regional("wafv2", sprintf("regional/webacl/%s/%s", [name_of(addr), generated_id(addr)]))

model_arn(type, addr) := regional("ec2", sprintf("%s/%s", [ec2_types[type], generated_id(addr)])) if ec2_types[type]

ec2_types := {
	"aws_instance": "instance",
	"aws_ebs_volume": "volume",
	"aws_security_group": "security-group",
	"aws_subnet": "subnet",
	"aws_vpc": "vpc",
	"aws_network_interface": "network-interface",
}

load_balancer_path(lb) := sprintf("%s/%s", [name_of(lb), generated_id(lb)])

# The cluster of an ECS service: its reference, or the last part of a literal cluster ARN or name.
cluster_name(addr) := name_of(ref_address(values_of(addr).cluster))

cluster_name(addr) := c if {
	cluster := literal_attr(addr, "cluster")
	parts := split(cluster, "/")
	c := parts[count(parts) - 1]
}

# The id Terraform's "id" attribute holds, per type: a name, an ARN, or a generated id.
id_of(addr) := v if {
	v := literal_attr(addr, "id")
} else := v if {
	type_of(addr) in {"aws_iam_role", "aws_iam_user", "aws_iam_group", "aws_iam_instance_profile", "aws_cloudwatch_log_group", "aws_s3_bucket", "aws_lambda_function", "aws_cloudwatch_event_rule", "aws_cloudtrail", "aws_ecr_repository"}
	v := name_of(addr)
} else := v if {
	type_of(addr) in {"aws_iam_policy", "aws_secretsmanager_secret", "aws_sns_topic", "aws_ecs_cluster", "aws_ecs_service", "aws_lb", "aws_alb", "aws_lb_target_group", "aws_alb_target_group", "aws_lb_listener", "aws_alb_listener", "aws_lb_listener_rule", "aws_alb_listener_rule"}
	v := arn_of(addr)
} else := generated_id(addr)
