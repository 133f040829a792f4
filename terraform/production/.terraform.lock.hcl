# The provider lock of this stack, copied next to its cdk.tf.json before `terraform init -lockfile=readonly`
# (.github/workflows/scripts/provider-locks.sh). Versions as the synthesized required_providers pin them.
# CHECKSUMS MISSING: written on a machine without access to registry.terraform.io. `npm run providers:lock`
# (terraform providers lock -platform=linux_amd64 -platform=darwin_arm64) replaces this file with one that carries
# them; until then pr-checks' "Provider lock files" step fails and Terraform only warns at init.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "6.25.0"
  constraints = "6.25.0"
}

provider "registry.terraform.io/hashicorp/null" {
  version     = "3.2.4"
  constraints = "3.2.4"
}

provider "registry.terraform.io/hashicorp/random" {
  version     = "3.7.2"
  constraints = "3.7.2"
}
