"""How the prompt speaks of a thing it mentions: asked for, excluded, optional, or only mentioned.

A small clause grammar over one statement (a sentence or list item, with the text of the list
item or lead-in it sits under). Derivation asks it about every mention of a service, region or
other requirement, and turns the answer into the requirement's polarity and confidence:

- forbidden: "CloudTrail must be excluded", "do NOT create GuardDuty detectors";
- not needed: "GuardDuty and Security Hub are not needed", "no NAT gateway", "without X-Ray";
- optional: "optionally", "if you use RDS", "X-Ray (optional)", "prefer VPC endpoints";
- mentioned only (low confidence): the target of a permission ("S3 read-only access", "role for
  EC2"), a VPC endpoint's service, an event source ("GuardDuty findings"), a constraint on things
  that may exist ("EC2 instances must not have public IPs", "all EBS volumes encrypted"), an
  example ("e.g. RDS"), background ("the team already runs EKS"), a modifier ("EBS CSI driver").

Deterministic and offline: plain regular expressions over the statement text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLAUSE_END = re.compile(r"[.;!?]\s|[;!?]$|\s[-–—]\s|\bbut\b|\bhowever\b|\bwhereas\b", re.I)
_ACTION = re.compile(r"\b(?:use|uses|using|create|creates|deploy|deploys|configure|configures|enable|enables|ensure|ensures|set up|"
                     r"add|adds|provision|provisions|implement|implements|include|includes|attach|attaches|store|stores|send|"
                     r"sends|route|routes|build|builds|define|defines|allow|allows)\b", re.I)
_FORBID_BEFORE = re.compile(r"\b(?:do not|don'?t|must not|should not|shall not|never|cannot|can'?t)\s+(?:\w+\s+){0,2}?"
                            r"(?:create|deploy|provision|use|include|enable|add|set up|build|define|configure)\b"
                            r"|\b(?:forbidden|prohibited|not allowed|disallowed)\b\s*:?", re.I)
_FORBID_AFTER = re.compile(r"^[^.;:]{0,40}?\b(?:must|should|shall|is|are|will)\s+(?:be\s+)?(?:excluded|forbidden|prohibited|not (?:be )?"
                           r"(?:created|deployed|provisioned|used|included|enabled|allowed))\b", re.I)
_NOT_NEEDED_AFTER = re.compile(r"^[^.;:]{0,40}?\b(?:is|are)\s+(?:not (?:needed|required|necessary|in scope)|unnecessary|out of scope)\b"
                               r"|^\s*(?:[\w-]+\s+)?(?:disabled|turned off|switched off)\b"
                               r"|^[^.;:]{0,20}?\(not (?:needed|required)\)", re.I)
# The things before the mention in "do not create public subnets, internet gateways, or NAT gateways": a list of
# short noun phrases joined by commas, "and", "or", with nothing that starts another clause.
_LISTED = re.compile(r"(?:\s*(?:any\s+|the\s+)?(?![\w-]*(?:\s|$)(?:to|for|but|while|with|in|on|that|which)\b)[\w-]+(?:\s+[\w-]+){0,3}"
                     r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|nor)\s+))+", re.I)
_LEAD_FORBIDS = re.compile(r"^\W*(?:do not|don'?t|must not|never|shall not)\W*\s+(?:create|deploy|provision|use|include|enable|add)\b"
                           r"|^\W*(?:excluded|exclude)\b", re.I)
_LEAD_NEGATES = re.compile(r"^\W*(?:do not|don'?t|never|no|avoid|must not|without|not needed|not required|out of scope|excluded?)\b", re.I)
_NEGATION_BEFORE = re.compile(r"\b(?:no|not|never|without|avoid|don'?t|do not|must not|shouldn'?t|should not|cannot|exclud\w*|"
                              r"nothing (?:fancy|special|custom|complicated|complex|extra) (?:with|for|about|around|on)|"
                              r"except|no need (?:for|to)|out of scope|instead of|rather than)\b", re.I)
_CONDITIONAL = re.compile(r"\b(?:optional(?:ly)?|if (?:needed|required|applicable|desired|necessary|possible|you (?:use|need|want|choose))"
                          r"|if (?:the )?(?:task|project|solution|stack) (?:requires|needs|uses)|if (?:creating|using|deploying)"
                          r"|if [\w-]+(?: [\w-]+)? (?:is |are )?(?:required|needed|used|enabled)|if (?:used|needed|required|applicable|present|any)|where (?:applicable|needed|possible)"
                          # "could you please develop", "may I ask": a polite request, not a condition
                          r"|may(?!\s+(?:i|we)\b)|might(?!\s+(?:you|we)\b)|could(?!\s+(?:you|u|we)\b)"
                          r"|nice to have|consider(?:ing)?|prefer(?:ably|red)?|recommended|bonus|stretch goal|when (?:needed|applicable))\b", re.I)
# "(or managed node groups if you pick EKS)": one branch of a choice the answer makes
_CHOSEN_BEFORE = re.compile(r"\bif (?:you|they|we) (?:pick|choose|select|opt for|go with|prefer)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?$", re.I)
# "While the Auto Scaling Groups requirement mentions spot, for ECS Fargate we'll use Fargate Spot": X is conceded, not asked
_CONCESSION_BEFORE = re.compile(r"^(?:[\w &/()-]+:\s*)?(?:while|although|though|whereas)\b[^,;]*$", re.I)
_CONCESSION_AFTER = re.compile(r"^[^,;]*,[^.;]*\b(?:we(?:'ll| will)|will|instead|use[sd]?|replace[sd]?)\b", re.I)
# "README.md with:", "Documentation covering:": the items are what to write about
_DOCS_LEAD = re.compile(r"\b(?:readme(?:\.md)?|documentation|runbook)\b[^.:]{0,30}:?\s*$", re.I)
_OPTIONAL_SECTION = re.compile(r"optional|nice to have|bonus|stretch|enhancement|future|out of scope|non-goals", re.I)
_BACKGROUND_SECTION = re.compile(r"background|context|overview|current (?:state|setup|environment)|existing|environment setup"
                                 r"|^environment$|^(?:target |deployment )?environment(?: details| description)?$"
                                 r"|example|reference|sample output|expected output|notes?\b|tips|lessons", re.I)
_BACKGROUND = re.compile(r"^(?:[\w-]+\s)?(?:note|notes|important|tip|warning|caution|fyi|rationale|reason|why)\s*:|\b(?:already (?:exists?|have|has|runs?|uses?|configured|deployed|defined|in place|present)|existing|pre-?existing"
                         r"|already (?:got|set up|sorted|configured|created)|is provided|are provided|assum(?:e|es|ing) (?:that|an?|the)|given (?:that|an?)|currently (?:uses?|runs?|has|have)"
                         r"|(?:we|you|the team|the company|our team|they) (?:already )?(?:use|uses|run|runs|have|has|operate|operates|manage|manages|maintain|maintains)\b"
                         # the workload that will later run on what is built: "The trading platform will have load balancers"
                         r"|\b(?:platform|application|app|system|workload)s? will (?:eventually |later )?(?:have|host|run|include|contain|sit|live)\b)", re.I)
_EXAMPLE_BEFORE = re.compile(r"(?:\b(?:e\.g\.?|eg\.|for example|for instance|such as|like|i\.e\.?)|\((?:[^)]*,\s*)?)\s*(?:[\w/-]+\s+){0,3}$", re.I)
_EXAMPLE_AFTER = re.compile(r"^[^.;]{0,80}?\b(?:would be|could be|are|is|as)\s+(?:(?:a|an|some|good|great|perfect|possible|fine|typical)\s+)*examples?\b", re.I)
_PERMISSION_BEFORE = re.compile(r"\baccess (?:paths?|methods?|routes?)\s+(?:to|for|into)\s+(?:the\s+|an?\s+|all\s+)?(?:[\w-]+\s+){0,1}$"  # "the only access path for EC2"
                                r"|\b(?:access|permissions?|privileges?|grants?|granting|read|write|policy|policies|rights)\s+"
                                r"(?:to|for|on|over)\s+(?:the\s+|an?\s+|all\s+|any\s+)?(?:[\w-]+\s+){0,2}$"
                                r"|\b(?:roles?|profiles?)\s+(?:for|used by|that (?:allows?|lets)|allowing|assumed by)\s+(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,1}$"
                                r"|\b(?:allow|allows|allowing|let|lets|can|to)\s+(?:\w+\s+){0,2}(?:read|write|access|call|invoke|publish|pull|push)\s+"
                                r"(?:from|to|on)?\s*(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,1}$", re.I)
_PERMISSION_AFTER = re.compile(r"^\s*(?:[\w-]+\s+)?(?:read[- ]only|read/write|read-write|full|limited|write|read)?\s*"
                               r"(?:access(?! log)|permissions?|policy|policies|actions?|api (?:calls?|access)|privileges?)\b"
                               r"|^\s*(?:read|write|read/write|read-write|read-only)\s+(?:for|on|to|from|of)\b"  # "S3 read for the bucket"
                               r"|^\s*(?:image\s+|object\s+)?(?:pulls?|pushes?|downloads?|uploads?)\b"  # "outbound 443 for ECR image pulls"
                               # the first of a list that ends in "policies": "role with EC2, ECR, and CNI policies"
                               r"|^(?:\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)[\w-]+){1,4}\s+(?:managed\s+)?(?:access|permissions?|polic(?:y|ies)|actions?)\b", re.I)
# Who assumes a role ("an IAM role that EC2 instances can assume"), where traffic comes from ("ingress from load
# balancers"), what another party will do with the result ("so our pipeline can configure our CDN"): none is built here.
_ASSUMER_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,2}(?:can|could|will|may|to|should be able to)\s+assume\b|^\s*(?:[\w-]+\s+){0,1}assum(?:e|es|ing)\s+(?:the|this|it|that)\b", re.I)
# What a role or user is allowed to do to a service ("a CI deployer role will write to S3 buckets and invoke Lambda
# functions", or under a lead-in that lists roles: "ci-deployer: invokes Lambda functions"): the service is the
# permission's target, not something to create.
_ACCESS_VERB = (r"(?:(?:has|have|having|with|gets?|needs?|grants?)\s+(?:[\w-]+\s+){0,2}access\s+to|reads?|reading|writes?|writing|invokes?"
                r"|invoking|quer(?:y|ies|ying)|pulls?|pulling|manages?|managing|access(?:es|ing)?|calls?|calling|publish(?:es)?|describes?"
                r"|lists?|interacts?\s+with|administers?|operates?)")
_ROLE_ACTS = re.compile(r"\b(?:roles?|users?|principals?)\b\W*(?:[\w-]+\s+){0,3}?" + _ACCESS_VERB + r"\b(?P<rest>[^.;]*)$", re.I)
_ROLE_ITEM_ACTS = re.compile(r"^\W*(?:\d+[.)]\s*)?(?:[\w${}./-]+\s*:\s*)?" + _ACCESS_VERB + r"\b(?P<rest>[^.;]*)$", re.I)
_ROLES_LEAD = re.compile(r"\b(?:iam\s+)?(?:roles|users|principals)\b", re.I)
# Who a role is for: "an IAM Role that AWS Lambda connects to and assumes", "Lambda functions will use this role",
# "the S3 paths Lambda can read from" in a sentence about a policy.
_ROLE_THAT_BEFORE = re.compile(r"\broles?\s+(?:that|which)\s+(?:the\s+)?(?:[\w-]+\s+){0,1}$", re.I)
_USES_ROLE_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,2}(?:will|can|may|should|must|to)\s+(?:use|assume)\s+(?:this|the|that|its|an?)\s+"
                              r"(?:[\w-]+\s+){0,2}(?:roles?|polic(?:y|ies)|permissions?)\b", re.I)
_MAY_ACCESS_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,2}(?:can|may|is allowed to|are allowed to|is able to|are able to)\s+(?:only\s+)?"
                               r"(?:read|write|access|call|invoke|reach|list|get|put)\b", re.I)
_ABOUT_PERMISSIONS = re.compile(r"\b(?:iam|polic(?:y|ies)|roles?|permissions?|least[- ]privilege)\b", re.I)
# What tests do ("unit tests for all modules", "test IRSA by deploying a pod that accesses S3"), guidance the answer gives
# ("guidance for teams to plug metrics into dashboards"), and a use named after "for" ("metrics for dashboard consumption").
_TESTED_BEFORE = re.compile(r"\b(?:(?:unit |integration )?tests?|testing)\s+(?:for|of|on|covering)\s+(?:all\s+|the\s+|each\s+|every\s+)?(?:[\w-]+\s+){0,1}$"
                            r"|^\W*(?:test|verify)\s+[^.;]*$", re.I)
_GUIDANCE_BEFORE = re.compile(r"\b(?:guidance|instructions|advice|recommendations?)\s+(?:for|on|about|to)\b[^.;]*$", re.I)
_USE_AFTER = re.compile(r"^\s*(?:consumption|integration|ingestion|display|viewing)\b", re.I)
# "We're serving these assets through CloudFront": how the team runs things today, the setting of the request.
_SETTING_BEFORE = re.compile(r"\b(?:we'?re|we are|they'?re|they are)\s+(?:already\s+|currently\s+)?(?:serving|hosting|running|fronting)\b"
                             r"[^.;,]*\b(?:through|via|behind|on|in|with)\s+(?:the\s+|an?\s+)?$"
                             # "the application team is already preparing deployments on ECS Fargate": what others do
                             r"|\b(?:team|teams|developers|engineers|they|we)\s+(?:is|are|'re)\s+already\s+\w+ing\b[^.;]*\b(?:on|to|with|in|for)\s+(?:the\s+|an?\s+)?$",
                             re.I)
# "Include EC2 volumes and RDS databases in the backup scope": what a backup plan covers
_BACKUP_SCOPE_AFTER = re.compile(r"^[^.;]{0,80}\bin (?:the |its )?backup (?:scope|selection|plan|rule)s?\b", re.I)
# "S3 buckets must be configured to allow deletion" under "Destroyability Requirements": a rule for every thing of a kind,
# stated in the plural in a section of rules.
_RULES_SECTION = re.compile(r"destroy|teardown|clean-?up|lifecycle|constraints?|guidelines?|conventions?|compliance|rules\b", re.I)
# "RDS: Use `skip_final_snapshot=True`" in such a section: a setting for the kind wherever it exists.
_KIND_SETTING_AFTER = re.compile(r"^(?:\s*/\s*[\w -]+)?\s*:\s*(?:use|set|enable|disable|no|never|always|must)\b", re.I)
# "we can't have our public-facing load balancers sitting in the same network as ...": where such things may not sit.
_NEGATED_PLACEMENT = re.compile(r"\b(?:can'?t|cannot|must not|mustn'?t|shouldn'?t|should not|don'?t want(?: to)?|never)\s+(?:have|put|place|let|keep)\s+"
                                r"(?:our\s+|the\s+|any\s+)?(?:[\w-]+\s+){0,2}$", re.I)
_CLASS_RULE_AFTER = re.compile(r"^\s*(?:[\w-]+\s+)?(?:buckets|instances|databases|tables|functions|queues|topics|clusters|volumes|keys"
                               r"|log groups|repositories|secrets|streams)\s+(?:must|should|shall|need to)\s+(?:not\s+|never\s+|always\s+)?"
                               r"(?:be|have|use|allow|enable|include|support|set|retain|stay)\b", re.I)
# What a check, recorder or tool looks at: "AWS Config with recording enabled for EC2, RDS and S3 resources", "a Lambda
# function to check EC2 instances for tags", "manage EC2 instances using Systems Manager"; who an endpoint lets talk
# ("this lets EC2 instances communicate with SSM", read with _GRANTEE_BEFORE); a comparison ("Flow Logs to S3 are cheaper than CloudWatch Logs");
# the services of VPC endpoints across a dash ("VPC Endpoints - for ECR, S3, and EC2 services").
_WATCHED_BEFORE = re.compile(r"\b(?:recording|records?|tracking|monitoring|scanning|evaluation)\b[^.;]{0,30}\bfor\s+(?:the\s+|all\s+|our\s+)?"
                             r"(?:[\w-]+\s*(?:,\s*(?:and\s+)?|\s+and\s+))*$"
                             r"|\b(?:records|recording|tracks|tracking|scans|scanning)\s+(?:the\s+|all\s+|our\s+)?(?:[\w-]+\s*(?:,\s*(?:and\s+)?|\s+and\s+))*$"
                             r"|\bto\s+(?:check|scan|inspect|audit|verify|ensure|validate|evaluate)\s+(?:that\s+)?(?:the\s+|all\s+|our\s+)?(?:[\w-]+\s+){0,1}$", re.I)
_MANAGED_WITH_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,2}(?:using|via|with|through)\b", re.I)
_LETS_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,1}(?:to\s+)?(?:communicate|reach|connect|talk|call)\b", re.I)
_COMPARED_BEFORE = re.compile(r"\b(?:cheaper|better|faster|slower|simpler|costlier|more expensive|less expensive)\s+than\s+(?:the\s+)?$"
                              r"|\b(?:compared (?:to|with)|versus|vs\.?)\s+(?:the\s+)?$", re.I)
_ENDPOINT_DASH = re.compile(r"\bendpoints?\**\s*[-–—:]\s*(?:for\s+)?(?:the\s+)?(?:[\w/-]+\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+))*$", re.I)
# "MySQL (3306) and PostgreSQL (5432)": an engine named for its port; "remote state backend with S3 and DynamoDB
# locking": the backend's own storage; "metrics sent to CloudWatch for dashboards": what something is for.
_PORT_AFTER = re.compile(r"^\s*\(?(?:port\s+)?\d{2,5}\)", re.I)
_BACKEND_BEFORE = re.compile(r"\b(?:state\s+)?backend\s+(?:configuration\s+)?(?:with|using|on|in|backed by)\s+(?:an?\s+|the\s+)?"
                             r"(?:[\w-]+\s*(?:,\s*(?:and\s+)?|\s+and\s+))*$"
                             r"|\bstate (?:files?|storage|locking)\b[^.;]{0,50}\b(?:in|on|to|with)\s+(?:an?\s+|the\s+)?$", re.I)
_FOR_PURPOSE = re.compile(r"\b(?:sent|send|sends|used|exported|published|stored|kept|available|collected|emitted|pushed)\b[^.;]{0,40}\bfor\s+(?:the\s+|use in\s+)?$", re.I)
_TRAFFIC_BEFORE = re.compile(r"\b(?:ingress|traffic|inbound|requests?|connections?)\s+(?:only\s+)?from\s+(?:the\s+)?(?:[\w-]+\s+){0,1}$", re.I)
_OTHERS_LATER = re.compile(r"\bso (?:that )?(?:our |the |their |your )?(?:[\w-]+\s+){0,3}(?:can|could|will)\b[^.;]*$", re.I)
_ENDPOINT = re.compile(r"\bendpoints?\s+(?:for|to)\s+(?:the\s+)?(?:[\w/,-]+\s+(?:and\s+|or\s+)?){0,4}$", re.I)
_ENDPOINT_AFTER = re.compile(r"^\s*(?:(?:and|or|,)\s*[\w -]{1,20}?)?\s*\(?(?:gateway|interface|vpc)?\)?\s*endpoints?\b", re.I)
# "RDS access role - for Lambda or ECS tasks": a role's purpose across a dash or colon, which ends a clause elsewhere.
_ROLE_FOR = re.compile(r"\b(?:roles?|instance profiles?|permissions?|polic(?:y|ies))\**\s*[-–—:]\s*(?:used\s+)?(?:for|by)\s+(?:the\s+|an?\s+)?"
                       r"(?:[\w-]+\s+){0,1}(?:(?:or|and)\s+)?$", re.I)
_LINKED_ROLE = re.compile(r"^[\w -]{0,10}service[- ]linked roles?|^\s*(?:\w+\s+)?(?:service )?principal\b", re.I)
_LINKED_ROLE_BEFORE = re.compile(r"service[- ]linked roles?\s+(?:for\s+)?(?:the\s+)?$", re.I)
_SOURCE_AFTER = re.compile(r"^\s*(?:(?:and|or|/|,)\s*(?:(?-i:[A-Z])[\w-]*\s*){1,3})?(?:findings|events?|alerts|state changes?|(?:configuration )?changes?|modifications?|api calls|notifications? from"
                           r"|(?:access |execution |audit )?logs?(?! groups?)(?! retention))\b", re.I)
_MODIFIER_AFTER = re.compile(r"^[\s-]*(?:(?:for|used for|via)\s+(?:the\s+)?(?:\w+\s+)?)?(?:backend\b|networking (?:components|resources|layer)\b|(?:audit )?log(?:ging)? protection\b|audit logging\b|protection\b|runtime monitoring\b|(?:tables?\s+)?(?:for\s+)?(?:terraform\s+)?(?:state\s+)?lock(?:ing|s)?\b|remote state\b|state (?:file|bucket|storage|locking)\b|csi\b|drivers?\b|add-?ons?\b|plugins?\b|agents?\b|managed node groups?|node groups?|worker nodes?"
                             r"|nodes?\b|instance profiles?\b|sdk\b|client\b|console\b|cli\b|ami\b|optimi[sz]ed\b|compatible\b)"
                             r"|^\s*(?:[\w-]+\s+)?(?:controllers?|checkers?|scanners?|validators?)\b"
                             r"|^:[A-Z][A-Za-z]+", re.I)  # "EC2 tag checker", an IAM action "ec2:DescribeInstances"
_TRACKED = re.compile(r"\b(?:track\w*|record\w*|detect\w*|watch\w*|monitor\w*|report\w*|alert\w* on)\s+(?:every\s+|all\s+|any\s+)?(?:[\w-]+\s+){0,2}?"
                      r"(?:changes?|drift|modifications?|deviations?)\s+(?:on|to|of|in|across|for)\s+(?:the\s+|our\s+|all\s+|existing\s+)?"
                      r"(?:[\w-]+\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+))*$", re.I)
_TARGET_OF_ACTION = re.compile(r"\b(?:scan|scans|scanning|audit|audits|auditing|inspect|inspects|checks? (?:on|of|across)|validat\w+|evaluat\w+"
                               r"|assess\w*|compliance (?:checks? |validation )?(?:across|of|for|on)|monitors? (?:existing|all))\s+"
                               r"(?:the\s+|our\s+|all\s+|existing\s+|your\s+)?(?:[\w-]+\s+){0,1}$", re.I)
_PURPOSE_BEFORE = re.compile(r"\b(?:subnets?|groups?|roles?|profiles?|permissions?|policies|policy|endpoints?|access|tags?|alarms?"
                             r"|dashboards?|buckets?|keys?|rules?|targets?)\s+for\s+(?:the\s+|all\s+|its\s+)?$"
                             r"|\b(?:backups?|snapshots?|backup plans?|restores?)\s+(?:of|for)\s+(?:the\s+|all\s+)?(?:[\w-]+\s+){0,1}$", re.I)
_GRANTEE_BEFORE = re.compile(r"\b(?:allow|allows|allowing|permit|permits|let|lets)\s+(?:the\s+|only\s+|our\s+)?$", re.I)
_NAMESPACE_AFTER = re.compile(r"^\s*(?:service\s+)?for\s+(?:the\s+)?(?:subnets|nat gateways|internet gateways?|route tables|security groups"
                              r"|node groups)\b", re.I)
# The prompt lets the answer stand in for a thing (a placeholder value) or has it made outside the code. Shared with the
# placeholder check (grader/checks/values.py), so a prompt that allows a placeholder neither demands the thing nor fails it.
ALLOWS_PLACEHOLDER = re.compile(r"\bplaceholder|\bdummy\b|\bfake\b|sample value|example value|self-signed|replace (?:it|this|them|with)"
                                r"|provided (?:later|by the user|at deploy)|to be (?:replaced|provided|filled)"
                                r"|created manually|manually created|must be created (?:manually|beforehand|in advance)|pre-?created", re.I)
# A later sentence of a list item offers a way around what the item's first sentence names: "ACM certificate caveat:
# custom domains require DNS validation. ... may not be possible. Consider default endpoints, or document the manual steps."
WORKAROUND = re.compile(r"\bdocument (?:the )?manual|\bmanual(?:ly)? (?:validat|creat|set ?up)\w*|\bmay not be possible|created manually"
                        r"|must be created (?:manually|beforehand|in advance)", re.I)
# The thing exists already and the code only receives it: "an existing ACM certificate", "certificate ARN provided via
# variable", "ACM certificate must be pre-validated". Asked for like this anywhere, it is asked to be created nowhere.
_SUPPLIED_BEFORE = re.compile(r"\b(?:existing|pre-?existing|pre-?validated|pre-?provisioned|imported)\s+(?:[\w-]+\s+){0,1}$"
                              r"|\bpass(?:ed|es)?\s+in\s+(?:the\s+)?(?:values?\s+for\s+)?(?:the\s+|an?\s+)?$", re.I)
_SUPPLIED_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:arns?|ids?|names?)\s+(?:\(?[\w-]+\)?\s+)?(?:(?:is |are |must be |should be )?"
                             r"(?:provided|passed|supplied|given|accepted|taken|read)\s+)?(?:via|as|through|from|by)\s+(?:an?\s+|the\s+)?"
                             r"(?:input\s+|terraform\s+|stack\s+|cdk\s+|pulumi\s+)?(?:variables?|parameters?|inputs?|config(?:uration)?|context)\b"
                             r"|^[^.;]{0,30}?\b(?:must|should|will)\s+(?:already\s+)?(?:exist|be pre-?validated|be pre-?created|be created beforehand)\b", re.I)
_CONSTRAINT_BEFORE = re.compile(r"\b(?:all|every|each|any|no)\s+(?:[\w-]+\s+){0,1}$|\b(?:ensure|make sure|verify)\s+(?:that\s+)?(?:the\s+|all\s+)?$", re.I)
_CONSTRAINT_AFTER = re.compile(r"^[\w ,-]{0,30}?\b(?:must|should|shall|are|is|will|need to)\s+(?:not\s+|never\s+|only\s+|always\s+)?"
                               r"(?:be|have|use|run|get|stay|remain|enforce|follow|carry|send|log|reside)\b"
                               r"|^\s*(?:\w+\s+){0,2}(?:without|with no|must not|should not|cannot|may not)\b", re.I)


@dataclass(frozen=True)
class Reading:
    polarity: str  # required | forbidden | optional | none (not needed: no requirement at all)
    confidence: str  # high | low
    reason: str = ""


REQUIRED = Reading("required", "high")
# "All data at rest must be encrypted": a rule for such resources where they exist; a demand for checks that judge them
CONSTRAINT = Reading("required", "low", "a constraint on such resources, not a demand to create them")
SUPPLIED = Reading("required", "low", "the prompt has it supplied from outside the code (an existing one, or its ARN as an input)")
PLACEHOLDER = Reading("required", "low", "the prompt allows a placeholder for it, or has it made outside the code")
PERMISSION_TARGET = Reading("required", "low", "mentioned as the target of a permission")


def clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The text of the mention's clause before and after it."""
    before = text[:start]
    cuts = list(_CLAUSE_END.finditer(before))
    before = before[cuts[-1].end():] if cuts else before
    after = text[end:]
    cut = _CLAUSE_END.search(after)
    return before, (after[:cut.start()] if cut else after)


def _negated_before(before: str) -> bool:
    """A negation governs the mention when no action verb stands between them ("no NAT, use endpoints" is two clauses)."""
    hits = list(_NEGATION_BEFORE.finditer(before))
    return bool(hits) and not _ACTION.search(before[hits[-1].end():])


def read_mention(text: str, start: int, end: int, section: str = "", lead: str = "") -> Reading:
    """How the statement `text` speaks of the mention at text[start:end].

    `section` is the enclosing heading; `lead` the parent list item or lead-in line the
    statement sits under ("Do NOT hardcode:"), whose negation or condition carries over.
    """
    before, after = clause(text, start, end)
    lead_forbids = bool(_LEAD_FORBIDS.match(lead)) and not _ACTION.search(before)
    forbid = list(_FORBID_BEFORE.finditer(before))
    gap = before[forbid[-1].end():] if forbid else ""
    near = bool(forbid) and not _ACTION.search(gap) and (len(gap.split()) <= 4 and not re.search(r"\b(?:and|or|but|while|to|for)\b|,", gap)
                             or bool(_LISTED.fullmatch(gap)) and not _ACTION.search(gap))
    if near or _FORBID_AFTER.search(after) or lead_forbids:
        return Reading("forbidden", "high", "the prompt excludes it")
    if _NOT_NEEDED_AFTER.search(after) or _negated_before(before) or (_LEAD_NEGATES.match(lead) and not _ACTION.search(before)):
        return Reading("none", "high", "the prompt says it is not needed")
    if _CONDITIONAL.search(before + text[start:end] + after[:60]) or _OPTIONAL_SECTION.search(section) \
            or re.search(r"\b(?:potential(?:ly)?|possible|future)\s+(?:[\w-]+\s+)?$", before, re.I):  # "for potential ALBs"
        return Reading("optional", "high", "the prompt makes it optional or conditional")
    if ALLOWS_PLACEHOLDER.search(text):  # "you may need to:" / "- use a placeholder ACM certificate ARN": the placeholder is allowed
        return PLACEHOLDER
    if _CONDITIONAL.search(lead) or _CHOSEN_BEFORE.search(before):
        return Reading("optional", "high", "the prompt makes it optional or conditional")
    if _CONCESSION_BEFORE.search(before) and _CONCESSION_AFTER.search(after):
        return Reading("required", "low", "named in a concession; the prompt says what it uses instead")
    if _DOCS_LEAD.search(lead):
        return Reading("required", "low", "named in what the documentation should cover, not as something to create")
    if _SUPPLIED_BEFORE.search(before) or _SUPPLIED_AFTER.match(after):
        return SUPPLIED
    if _BACKGROUND.search(before + text[start:end] + after) or _BACKGROUND.match(text) or _BACKGROUND_SECTION.search(section) \
            or _SETTING_BEFORE.search(before):
        return Reading("required", "low", "mentioned as background or an example, not asked for")
    if _PERMISSION_BEFORE.search(before) or _PERMISSION_AFTER.search(after):
        return PERMISSION_TARGET
    acts = _ROLE_ACTS.search(before) or (_ROLES_LEAD.search(lead) and _ROLE_ITEM_ACTS.match(before))
    if acts and not _ACTION.search(acts.group("rest")):
        return Reading("required", "low", "named as what a role is allowed to act on, not as something to create")
    if _ROLE_THAT_BEFORE.search(before) and re.match(r"^[^.;]{0,40}?\bassum(?:e|es)\b", after, re.I) or _USES_ROLE_AFTER.match(after) \
            or _MAY_ACCESS_AFTER.match(after) and _ABOUT_PERMISSIONS.search(text):
        return Reading("required", "low", "named as who uses a role or permission")
    if _TESTED_BEFORE.search(before):
        return Reading("required", "low", "named in what the tests do, not as something to create")
    if _GUIDANCE_BEFORE.search(before) or _USE_AFTER.match(after) and re.search(r"\b(?:for|into)\s+(?:the\s+)?$", before, re.I):
        return Reading("required", "low", "named in guidance or a use the answer supports, not as something to create")
    if _NEGATED_PLACEMENT.search(before):
        return Reading("required", "low", "named in where such resources may not sit, not as something to create")
    if not before.strip(" *-:") and (_CLASS_RULE_AFTER.match(after) or _KIND_SETTING_AFTER.match(after)) and _RULES_SECTION.search(section):
        return Reading("required", "low", "a rule for every such resource, not a demand to create one")
    if _WATCHED_BEFORE.search(before) or re.search(r"\bmanag(?:e|es|ing)\s+(?:the\s+|our\s+|all\s+)?$", before, re.I) \
            and _MANAGED_WITH_AFTER.match(after):
        return Reading("required", "low", "named as what a check, recorder or tool looks at, not as something to create")
    if _COMPARED_BEFORE.search(before):
        return Reading("required", "low", "named in a comparison, not as something to create")
    if _ENDPOINT_DASH.search(text[max(start - 80, 0):start]):
        return Reading("required", "low", "mentioned as the service of a VPC endpoint")
    if _ENDPOINT.search(before) or _ENDPOINT_AFTER.search(after):
        return Reading("required", "low", "mentioned as the service of a VPC endpoint")
    if _ASSUMER_AFTER.search(after):
        return Reading("required", "low", "named as who assumes a role")
    if _TRAFFIC_BEFORE.search(before):
        return Reading("required", "low", "named as where traffic comes from")
    if _OTHERS_LATER.search(before):
        return Reading("required", "low", "named in what someone else will do with the result")
    if _ROLE_FOR.search(text[max(start - 60, 0):start]):
        return Reading("required", "low", "mentioned as who a role or permission is for")
    if _LINKED_ROLE.search(after) or _LINKED_ROLE_BEFORE.search(before):
        return Reading("required", "low", "mentioned as the service of a role")
    if re.search(r"\b(?:configured|backed|powered|provisioned)\s+(?:with|by)\s+(?:the\s+)?$", before, re.I):
        return Reading("required", "low", "named as what something else is built on")
    if re.search(r"\b(?:outputs?|export)\b[^.;]*$", before, re.I) and not _ACTION.search(before):
        return Reading("required", "low", "named as a value to output, not as something to create")
    if _TRACKED.search(before):
        return Reading("required", "low", "named as what the system tracks changes on, not as something to create")
    if _PORT_AFTER.match(after):
        return Reading("required", "low", "named for its port, not as something to create")
    if _BACKEND_BEFORE.search(before):
        return Reading("required", "low", "named as the Terraform state backend's storage")
    if _FOR_PURPOSE.search(before):
        return Reading("required", "low", "named as what something else is for")
    if _TARGET_OF_ACTION.search(before):
        return Reading("required", "low", "named as what the system acts on (scans, audits, monitors), not as something to create")
    if _BACKUP_SCOPE_AFTER.match(after):
        return Reading("required", "low", "named as what a backup plan covers, not as something to create")
    if _PURPOSE_BEFORE.search(before):
        return Reading("required", "low", "named as what something else is for")
    if _GRANTEE_BEFORE.search(before) and (re.match(r"^[\w ,-]{0,40}?\bto\b", after) or _LETS_AFTER.match(after)):
        return Reading("required", "low", "named as who is allowed to do something")
    if _NAMESPACE_AFTER.match(after):
        return Reading("required", "low", "named as the service that other resources belong to")
    if _SOURCE_AFTER.search(after):
        return Reading("required", "low", "mentioned as the source of events or findings")
    if _MODIFIER_AFTER.search(after) or _MODIFIER_AFTER.match(text[end:end + 60]) and re.match(r"^\s*[-–—:]", text[end:]):
        return Reading("required", "low", "mentioned as a qualifier of something else")
    if re.search(r"\bany\s+(?:[\w-]+\s+)?$|\bin (?:the )?(?:same|existing|provided|given|their|its)\s+$", before, re.I):
        return Reading("required", "low", "refers to such resources where they exist, not a demand to create them")
    if _EXAMPLE_BEFORE.search(before) or _EXAMPLE_AFTER.search(after):
        return Reading("required", "low", "mentioned as an example")
    if _CONSTRAINT_BEFORE.search(before) and _CONSTRAINT_AFTER.search(after) or re.match(r"^\s*(?:\w+\s+){0,2}(?:without|with no|must not|should not|cannot|may not|must never)\b", after, re.I) \
            or re.match(r"^\s*(?:rules?|settings?)\s+(?:must|should|shall|need to)\b", after, re.I) \
            or re.search(r"\bno\s+(?:[\w-]+\s+){0,2}$", before, re.I) and re.match(r"^\s*rules?\b", after, re.I):  # "No allow-all security group rules"
        return CONSTRAINT
    return REQUIRED


def alternatives(text: str, spans: list[tuple[int, int]]) -> list[list[int]]:
    """Groups of mentions (indexes into `spans`, in text order) joined by "or" / "/": one of them is enough."""
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    groups: list[list[int]] = []
    for i in order:
        if groups:
            prev = groups[-1][-1]
            gap = text[spans[prev][1]:spans[i][0]]
            if re.fullmatch(r"\s*(?:[\w-]+\s+){0,3}?(?:,\s*)?(?:or|and/or|/|\\|either)\s*(?:the\s+|an?\s+|use\s+)?(?:\w+\s+){0,2}", gap, re.I) \
                    or re.fullmatch(r"\s*[/\\]\s*", gap):
                groups[-1].append(i)
                continue
        groups.append([i])
    return groups
