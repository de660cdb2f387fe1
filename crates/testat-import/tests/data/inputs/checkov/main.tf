# A small Terraform configuration for the Checkov test inputs: one suppressed check,
# one passing volume and one open security group.

resource "aws_s3_bucket" "reports" {
  #checkov:skip=CKV_AWS_18:Access logs of this bucket are kept by the central log account
  #checkov:skip=CKV_AWS_144:Reports can be rebuilt; no second region needed
  bucket = "shop-reports"
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-central-1a"
  size              = 10
  encrypted         = true
}

resource "aws_security_group" "admin" {
  name        = "admin"
  description = "Administrative access"

  ingress {
    description = "SSH from anywhere"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
