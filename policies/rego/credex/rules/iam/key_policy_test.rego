package credex.rules.iam_test

import data.credex.rules.iam

key_doc(type) := {"resources": {sprintf("%s.k", [type]): {"type": type, "name": "k", "mode": "managed", "values": {"policy": json.marshal({
	"Version": "2012-10-17",
	"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"], "Resource": "*"}],
})}}}}

# In a key policy "*" is the key itself: not every resource.
test_key_policy_01_star_is_the_key_ok if {
	count(iam.resource_star) == 0 with input as key_doc("aws_kms_key")
}

# The same statement in any other resource policy reaches every key of the account.
test_key_policy_02_elsewhere_denied if {
	count(iam.resource_star) == 1 with input as key_doc("aws_sns_topic_policy")
}
