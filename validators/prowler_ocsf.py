"""Writes Prowler-style OCSF test files for testat-import.

Prowler needs cloud credentials to scan, which the tests do not have. This script
builds the same kind of file from the OCSF models Prowler itself uses
(py-ocsf-models 0.10.0, pinned in requirements.txt): one DetectionFinding per
finding, with the fields filled where Prowler 5.40 puts them (check ID in
metadata.event_code and finding_info.analytic.uid, PASS / FAIL / MANUAL in
status_code, muted findings as status_id Suppressed, the compliance map under
unmapped.compliance), and writes them the way Prowler's json-ocsf output does: a JSON
array of records, each dumped with exclude_none=True and indent=4.

The scenarios below are ours: account IDs, resources, titles and texts are made up
for the tests. Check IDs are real Prowler check IDs; the compliance hints are
requirement IDs only.

Usage: python validators/prowler_ocsf.py OUT_DIR
writes OUT_DIR/prowler-aws.ocsf.json and OUT_DIR/prowler-gcp.ocsf.json. The output is
the same bytes on every run.
"""

import sys
from datetime import datetime, timezone
from pathlib import Path

from py_ocsf_models.events.base_event import SeverityID, StatusID
from py_ocsf_models.events.findings.detection_finding import (
    DetectionFinding,
    DetectionFindingTypeID,
)
from py_ocsf_models.events.findings.finding import ActivityID, FindingInformation
from py_ocsf_models.objects.account import Account, TypeID
from py_ocsf_models.objects.analytic import Analytic
from py_ocsf_models.objects.cloud import Cloud
from py_ocsf_models.objects.group import Group
from py_ocsf_models.objects.metadata import Metadata
from py_ocsf_models.objects.organization import Organization
from py_ocsf_models.objects.product import Product
from py_ocsf_models.objects.remediation import Remediation
from py_ocsf_models.objects.resource_details import ResourceDetails

PROWLER_VERSION = "5.40.0"
SCANNED_AT = datetime(2026, 8, 24, 6, 0, 0, tzinfo=timezone.utc)

# Which requirements each check appears under in Prowler's compliance files
# ("<Framework>-<Version>": [requirement IDs]); a few frameworks per check.
COMPLIANCE = {
    "s3_bucket_default_encryption": {
        "C5-2025": ["OPS-31.01B", "IAM-07.03B", "CRY-01.02AC", "CRY-05.01AC", "PSS-12.02B"],
        "ISO27001-2022": ["A.8.11", "A.8.24"],
    },
    "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22": {
        "C5-2025": ["PI-01.01AC"],
        "CIS-6.0": ["6.3", "6.4"],
        "ISO27001-2022": ["A.8.20", "A.8.21", "A.8.22"],
    },
    "ec2_ebs_volume_encryption": {
        "C5-2025": ["OPS-31.01B", "IAM-07.03B", "CRY-01.02AC", "CRY-03.01B", "CRY-05.01AC", "PSS-12.02B"],
        "CIS-6.0": ["6.1.1"],
        "ISO27001-2022": ["A.8.11", "A.8.24"],
    },
    "account_security_contact_information_is_registered": {
        "C5-2025": ["OIS-06.01B", "SSO-05.06B", "SIM-01.03B"],
        "CIS-6.0": ["2.2"],
    },
    "cloudtrail_multi_region_enabled": {
        "C5-2025": ["OPS-15.03B", "SIM-03.06B"],
        "CIS-6.0": ["4.1"],
    },
    "ec2_elastic_ip_unassigned": {
        "ISO27001-2022": ["A.8.20", "A.8.21", "A.8.22"],
    },
    "iam_root_mfa_enabled": {
        "C5-2025": ["IAM-08.05B", "PSS-05.01B"],
        "CIS-6.0": ["2.4"],
    },
    "guardduty_is_enabled": {
        "C5-2025": ["OPS-13.01B", "SIM-01.02AC"],
    },
    "kms_key_not_publicly_accessible": {
        "C5-2025": ["CRY-04.01B", "CRY-10.01B"],
        "ISO27001-2022": ["A.8.24"],
    },
    "compute_firewall_ssh_access_from_the_internet_allowed": {
        "C5-2025": ["COS-04.01B", "PI-01.01AC"],
        "ISO27001-2022": ["A.8.20"],
    },
}

# provider, check, service, severity, status, muted, title, region, resource type,
# resource name, resource uid, status detail, remediation text, remediation link
AWS_ACCOUNT = "123456789012"
GCP_PROJECT = "shop-prod-4711"
AWS = [
    ("s3_bucket_default_encryption", "s3", "medium", "PASS", False,
     "S3 bucket encrypts new objects by default", "eu-central-1", "AwsS3Bucket",
     "shop-invoices", "arn:aws:s3:::shop-invoices",
     "Bucket shop-invoices encrypts new objects with SSE-KMS.",
     "Turn on default encryption for the bucket.",
     "https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html"),
    ("s3_bucket_default_encryption", "s3", "medium", "FAIL", False,
     "S3 bucket encrypts new objects by default", "eu-central-1", "AwsS3Bucket",
     "shop-exports", "arn:aws:s3:::shop-exports",
     "Bucket shop-exports has no default encryption.",
     "Turn on default encryption for the bucket.",
     "https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html"),
    ("ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22", "ec2", "high", "FAIL", False,
     "Security group allows SSH from the internet", "eu-central-1", "AwsEc2SecurityGroup",
     "sg-0a1b2c3d4e5f60718",
     "arn:aws:ec2:eu-central-1:123456789012:security-group/sg-0a1b2c3d4e5f60718",
     "Security group admin (sg-0a1b2c3d4e5f60718) opens port 22 to 0.0.0.0/0.",
     "Allow SSH only from known networks, or use Session Manager instead.",
     None),
    ("ec2_ebs_volume_encryption", "ec2", "medium", "FAIL", True,
     "EBS volume is encrypted", "eu-central-1", "AwsEc2Volume",
     "vol-0123456789abcdef0",
     "arn:aws:ec2:eu-central-1:123456789012:volume/vol-0123456789abcdef0",
     "Volume vol-0123456789abcdef0 is not encrypted.",
     "Create an encrypted copy of the volume and switch to it.",
     "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html"),
    ("account_security_contact_information_is_registered", "account", "medium", "MANUAL", False,
     "Account has a security contact", "eu-central-1", "Other",
     "123456789012", "arn:aws:iam::123456789012:root",
     "Check in the console that a security contact is registered.",
     "Register a security contact in the account settings.",
     None),
    ("cloudtrail_multi_region_enabled", "cloudtrail", "high", "PASS", False,
     "CloudTrail records every region", "eu-central-1", "AwsCloudTrailTrail",
     "org-trail", "arn:aws:cloudtrail:eu-central-1:123456789012:trail/org-trail",
     "Trail org-trail is multi-region and logging.",
     "Create a multi-region trail.",
     None),
    ("ec2_elastic_ip_unassigned", "ec2", "low", "FAIL", False,
     "Elastic IP is attached to something", "eu-west-1", "AwsEc2Eip",
     "eipalloc-0f1e2d3c4b5a69788",
     "arn:aws:ec2:eu-west-1:123456789012:eip-allocation/eipalloc-0f1e2d3c4b5a69788",
     "Elastic IP 203.0.113.7 is not attached.",
     "Release Elastic IPs that are not used.",
     None),
    ("iam_root_mfa_enabled", "iam", "critical", "PASS", False,
     "Root user signs in with MFA", "us-east-1", "AwsIamUser",
     "<root_account>", "arn:aws:iam::123456789012:root",
     "Root user has MFA turned on.",
     "Turn on MFA for the root user.",
     None),
    ("guardduty_is_enabled", "guardduty", "medium", "FAIL", False,
     "GuardDuty is turned on", "eu-west-1", "AwsGuardDutyDetector",
     "123456789012", "arn:aws:guardduty:eu-west-1:123456789012:detector/unknown",
     "GuardDuty is not turned on in eu-west-1.",
     "Turn on GuardDuty in every region in use.",
     "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html"),
]
GCP = [
    ("kms_key_not_publicly_accessible", "cloudkms", "high", "PASS", False,
     "Cloud KMS key is not public", "europe-west3", "cloudkms.googleapis.com/CryptoKey",
     "shop-data",
     "projects/shop-prod-4711/locations/europe-west3/keyRings/shop/cryptoKeys/shop-data",
     "Key shop-data grants no access to allUsers or allAuthenticatedUsers.",
     "Remove public members from the key's IAM policy.",
     None),
    ("compute_firewall_ssh_access_from_the_internet_allowed", "compute", "critical", "FAIL", False,
     "Firewall rule opens SSH to the internet", "global", "compute.googleapis.com/Firewall",
     "shop-allow-ssh-vendor", "projects/shop-prod-4711/global/firewalls/shop-allow-ssh-vendor",
     "Firewall rule shop-allow-ssh-vendor allows port 22 from 0.0.0.0/0.",
     "Limit source ranges of SSH rules, or use IAP for TCP forwarding.",
     None),
]


def finding(provider, account, account_name, row):
    (check, service, severity, status, muted, title, region, rtype, rname, ruid,
     detail, fix, link) = row
    severity_id = getattr(SeverityID, severity.capitalize(), SeverityID.Unknown)
    status_id = StatusID.Suppressed if muted else StatusID.New
    activity = ActivityID.Create
    account_type = {"aws": TypeID.AWS_Account, "gcp": TypeID.GCP_Account}[provider]
    stamp = int(SCANNED_AT.timestamp())
    record = DetectionFinding(
        message=detail,
        activity_id=activity.value,
        activity_name=activity.name,
        finding_info=FindingInformation(
            analytic=Analytic(name=title, uid=check, type_id=1, type="Rule", category=service),
            created_time_dt=SCANNED_AT,
            created_time=stamp,
            desc=f"Tests: {title.lower()}.",
            title=title,
            uid=f"prowler-{provider}-{check}-{account}-{region}-{rname}",
            name=rname,
            types=["Tests"],
        ),
        time_dt=SCANNED_AT,
        time=stamp,
        remediation=Remediation(desc=fix, references=[link] if link else []),
        severity_id=severity_id.value,
        severity=severity_id.name,
        status_id=status_id.value,
        status=status_id.name,
        status_code=status,
        status_detail=detail,
        risk_details="Made-up risk text for the tests.",
        resources=[
            ResourceDetails(
                labels=["team:shop"],
                name=rname,
                uid=ruid,
                group=Group(name=service),
                type=rtype,
                cloud_partition="aws" if provider == "aws" else None,
                region=region,
                data={"details": "", "metadata": {"name": rname}},
            )
        ],
        metadata=Metadata(
            event_code=check,
            product=Product(uid="prowler", name="Prowler", vendor_name="Prowler",
                            version=PROWLER_VERSION),
            profiles=["cloud", "datetime"],
            tenant_uid="",
        ),
        type_uid=DetectionFindingTypeID.Create,
        type_name=f"Detection Finding: {DetectionFindingTypeID.Create.name}",
        unmapped={
            "related_url": "",
            "categories": [],
            "depends_on": [],
            "related_to": [],
            "additional_urls": [],
            "notes": "",
            "compliance": COMPLIANCE.get(check, {}),
            "scan_id": "01990a9c-0b00-7000-8000-000000000001",
            "provider_uid": account,
            "provider": provider,
        },
    )
    record.cloud = Cloud(
        account=Account(name=account_name, type_id=account_type.value,
                        type=account_type.name.replace("_", " "), uid=account, labels=[]),
        org=Organization(uid="", name=""),
        provider=provider,
        region=region,
    )
    return record


def write(path, records):
    # As Prowler writes json-ocsf: "[", the records separated by ",", "]".
    path.write_text(
        "[" + ",".join(r.model_dump_json(exclude_none=True, indent=4) for r in records) + "]",
        encoding="utf-8",
    )


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: prowler_ocsf.py OUT_DIR")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    write(out / "prowler-aws.ocsf.json", [finding("aws", AWS_ACCOUNT, "shop-prod", r) for r in AWS])
    write(out / "prowler-gcp.ocsf.json", [finding("gcp", GCP_PROJECT, "shop-prod", r) for r in GCP])


if __name__ == "__main__":
    main()
