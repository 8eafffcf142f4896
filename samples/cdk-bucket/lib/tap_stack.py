from aws_cdk import Stack, CfnOutput, RemovalPolicy
from aws_cdk import aws_s3 as s3, aws_kms as kms, aws_logs as logs
from constructs import Construct


class TapStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, environment_suffix: str = "dev", **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        key = kms.Key(self, "DataKey", enable_key_rotation=True, removal_policy=RemovalPolicy.DESTROY)
        self.bucket = s3.Bucket(
            self,
            "DataBucket",
            bucket_name=f"tap-data-{environment_suffix}",
            versioned=True,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
        )
        logs.LogGroup(self, "AppLogs", retention=logs.RetentionDays.ONE_WEEK)
        CfnOutput(self, "BucketName", value=self.bucket.bucket_name)
