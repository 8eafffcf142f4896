import aws_cdk as cdk

from lib.tap_stack import TapStack

app = cdk.App()
TapStack(app, "TapStack", env=cdk.Environment(region="eu-west-1"))
app.synth()
