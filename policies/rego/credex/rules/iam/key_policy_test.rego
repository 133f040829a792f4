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

# Every resource policy applies only to its own resource: "*" there is that resource (AWS documents it for secret
# and key policies), in both carriers of each; a KMS action in a topic policy grants nothing on other keys.
test_key_policy_02_every_resource_policy_ok if {
	every type in ["aws_kms_key_policy", "aws_secretsmanager_secret", "aws_secretsmanager_secret_policy", "aws_sns_topic_policy", "aws_sns_topic", "aws_s3_bucket_policy", "aws_ecr_repository_policy"] {
		count(iam.resource_star) == 0 with input as key_doc(type)
	}
}

# The same statement in an identity policy reaches every key of the account.
test_key_policy_03_identity_policy_denied if {
	count(iam.resource_star) == 1 with input as key_doc("aws_iam_policy")
}
