terraform {
  required_providers { aws = { source = "hashicorp/aws", version = "5.100.0" } }
}
provider "aws" {
  region                      = "af-south-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
provider "aws" {
  alias                       = "eu"
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
variable "admin_cidr" {
  type = string
}
locals { office = "0.0.0.0/0" }
resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
resource "aws_security_group" "web" { vpc_id = aws_vpc.main.id }
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = var.admin_cidr
}
resource "aws_security_group_rule" "bolt" {
  type                     = "ingress"
  security_group_id        = aws_security_group.web.id
  protocol                 = "6"
  from_port                = 7687
  to_port                  = 7687
  source_security_group_id = aws_security_group.web.id
}
resource "aws_secretsmanager_secret" "s" { name = "credex/x" }
resource "aws_kms_key" "k" { enable_key_rotation = true }
resource "aws_sns_topic" "t" { name = "t" }
resource "aws_ebs_encryption_by_default" "eu" {
  provider = aws.eu
  enabled  = true
}
resource "aws_ebs_volume" "v" {
  availability_zone = "af-south-1a"
  size              = 10
}
resource "aws_instance" "i" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  launch_template {
    id = aws_launch_template.lt.id
  }
}
resource "aws_launch_template" "lt" {
  name = "hosts"
  metadata_options { http_tokens = "required" }
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs { encrypted = true }
  }
}
module "net" {
  source = "./net"
}
resource "aws_default_subnet" "a" {
  availability_zone = "af-south-1a"
}
resource "aws_ecs_task_definition" "api" {
  family = "api"
  container_definitions = jsonencode([{
    name  = "api"
    image = "repo:sha"
    environment = [
      { name = "JWT_TOKEN_TTL_SECONDS", value = "3600" },
      { name = "PASSWORD_MIN_LENGTH", value = "12" },
      { name = "NEO4J_AUTH", value = "neo4j/Tr0ub4dor3x" },
    ]
  }])
}
