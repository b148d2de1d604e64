"""Which wrong choices a generated question offers, on small notes written for each rule.

Pure: no database. Each note here is about services other than the seed notes' so that the
rules are shown to be about how notes are written, not about what content/ says.
"""

from __future__ import annotations

import pytest

from studyapp.notes.parsed import ParsedNote
from studyapp.notes.parser import parse_note
from studyapp.questions.generator import GeneratedQuestion, generate_questions


def _note(slug: str, text: str) -> ParsedNote:
    note = parse_note(text, f"content/{slug}.md")
    assert note.is_valid, note.problems
    return note


def _asking(questions: list[GeneratedQuestion], phrase: str) -> list[GeneratedQuestion]:
    return [q for q in questions if phrase.casefold() in q.stem.casefold()]


def _only(questions: list[GeneratedQuestion], phrase: str) -> GeneratedQuestion:
    (question,) = _asking(questions, phrase)
    return question


def _wrong(question: GeneratedQuestion) -> set[str]:
    return {c.text for c in question.choices if not c.correct}


# --- Options of the same kind ------------------------------------------------------------------

EFS = """\
# 📘 Amazon EFS – Elastic File System

Amazon EFS is a serverless, elastic file system for Linux workloads.

## ✅ 1. Throughput Modes

* Elastic Mode: Scales throughput up and down automatically with each request
* Bursting Mode: Throughput grows with the amount of data stored, using burst credits
* Provisioned Mode: A fixed throughput level for workloads that outgrow bursting

## ✅ 2. Lifecycle Policies

* Transition to IA: Moves files not read for a set number of days to Infrequent Access
* Transition to Archive: Moves files untouched for months to the Archive class
* Transition out of IA: Moves a file back to Standard the first time it is read again
"""

DYNAMODB = """\
# 📘 Amazon DynamoDB – Key-Value Database

Amazon DynamoDB is a serverless key-value and document database.

## ✅ 1. Capacity Options

* On-Demand Mode: Pay per read and write request, with no capacity planning
* Reserved Capacity: Commit to a year of provisioned capacity at a discount
* Standard Table Class: The default class for frequently read tables
"""


def test_an_option_is_not_offered_as_another_kind_only_because_its_name_ends_the_same_way():
    # "On-Demand Mode" is a DynamoDB capacity option, not an EFS throughput mode.
    bank = generate_questions([_note("amazon-efs", EFS), _note("amazon-dynamodb", DYNAMODB)])

    question = _only(bank, "scales throughput up and down automatically")

    assert question.correct_texts == ("Elastic Mode",)
    assert {"Bursting Mode", "Provisioned Mode"} <= _wrong(question)
    assert "On-Demand Mode" not in _wrong(question)


def test_a_stem_names_the_kind_only_when_every_choice_is_of_that_kind():
    # Three throughput modes give two wrong choices; the third is a lifecycle policy.
    bank = generate_questions([_note("amazon-efs", EFS), _note("amazon-dynamodb", DYNAMODB)])

    question = _only(bank, "scales throughput up and down automatically")

    assert len(_wrong(question) & {"Transition to IA", "Transition to Archive"}) <= 1
    assert question.stem.startswith("In Amazon EFS, which option ")
    assert "throughput mode" not in question.stem


def test_a_word_of_an_options_name_used_as_a_plain_word_does_not_tie_it_to_the_answer():
    # "… that outgrow bursting" is not about "Bursting Mode" the way "for Fargate" would be.
    bank = generate_questions([_note("amazon-efs", EFS)])

    question = _only(bank, "workloads that outgrow bursting")

    assert question.correct_texts == ("Provisioned Mode",)
    assert "Bursting Mode" in _wrong(question)


RDS = """\
# 📘 Amazon RDS – Relational Database Service

Amazon RDS runs managed relational databases such as MySQL and PostgreSQL.

## ✅ 1. Storage Types

* General Purpose SSD: Balanced price and performance for most database workloads
* Provisioned IOPS SSD: Consistent low-latency I/O for demanding transactional workloads
* Magnetic Storage: Previous-generation disks kept only for backward compatibility

## ✅ 2. Deployment Options

* Single-AZ Deployment: One DB instance in one Availability Zone
* Multi-AZ Instance Deployment: A synchronous standby instance in a second Availability Zone
* Multi-AZ Cluster Deployment: Two readable standby instances in two more Availability Zones
"""

AURORA = """\
# 📘 Amazon Aurora – Cloud-Native Relational Database

Amazon Aurora is a MySQL- and PostgreSQL-compatible database built for the cloud.

## ✅ 1. Storage Types

* Aurora Standard: Pay for each I/O request, cost-effective for moderate I/O
* Aurora I/O-Optimized: No charge per I/O request, predictable pricing for I/O-heavy apps
"""


def test_options_of_the_same_kind_from_other_notes_come_before_the_notes_other_lists():
    bank = generate_questions([_note("amazon-rds", RDS), _note("amazon-aurora", AURORA)])

    question = _only(bank, "consistent low-latency I/O")

    assert question.correct_texts == ("Provisioned IOPS SSD",)
    assert {"General Purpose SSD", "Magnetic Storage"} <= _wrong(question)
    assert _wrong(question) & {"Aurora Standard", "Aurora I/O-Optimized"}
    assert not any("Deployment" in text for text in _wrong(question))
    assert question.stem.startswith("In Amazon RDS, which storage type ")


RDS_ALONE = (
    RDS.split("## ✅ 2.")[0]
    + """
# 🧠 Summary Table

| Scenario / Keyword | RDS Feature / Option |
| --- | --- |
| Disaster recovery in another Region | ✅ Cross-Region read replicas |
| Credentials that rotate themselves | ✅ Secrets Manager integration |
"""
)


def test_without_options_of_its_kind_a_fact_question_is_left_out_rather_than_padded():
    # A storage type question gets two storage types; "Cross-Region read replicas" is not one.
    bank = generate_questions([_note("amazon-rds", RDS_ALONE)])

    assert not _asking(bank, "consistent low-latency I/O")
    assert _asking(bank, "credentials that rotate themselves")


# --- Siblings, aliases and options the notes tie together ---------------------------------------

SPOT_FLEET = """\
# 📘 Amazon EC2 Spot Fleet – Spot Capacity

A Spot Fleet launches and keeps a target capacity of Spot Instances.

## ✅ 1. Allocation Strategies

* Lowest Price: Picks the cheapest Spot pools
* Diversified: Spreads instances evenly across every pool
* Capacity Optimized: Picks the pools least likely to be interrupted
* Capacity Optimized Prioritized: Tries instance types in your order of priority first
"""


def test_a_sibling_whose_name_the_answer_contains_is_still_a_wrong_choice():
    # What the note says of "Capacity Optimized Prioritized" is not said of "Capacity Optimized".
    bank = generate_questions([_note("amazon-ec2-spot-fleet", SPOT_FLEET)])

    question = _only(bank, "instance types in your order of priority")

    assert question.correct_texts == ("Capacity Optimized Prioritized",)
    assert "Capacity Optimized" in _wrong(question)


CLOUDFRONT = """\
# 📘 Amazon CloudFront – Content Delivery Network

Amazon CloudFront delivers content from edge locations close to viewers.

## ✅ 1. Origin Types

* S3 Origin: Serves objects from a bucket
* Custom Server: Any HTTP server such as a load balancer or a web server
* Failover Group: A primary and a secondary origin, the second used when the first fails

## ✅ 2. Access Options

* Origin Access Control: Lets only CloudFront read the bucket of an S3 Origin
* Signed URLs: Time-limited links for private content
* Geo Restriction: Blocks viewers in the countries you list

**📌 Exam Signal:**
If a bucket must be readable only through the distribution → Origin Access Control.

**📌 Exam Signal:**
If requests need geo and IP restriction rules with rate limits → AWS WAF web ACL.
"""


def test_an_option_the_answers_description_goes_with_is_not_a_wrong_choice():
    # "Origin Access Control: … the bucket of an S3 Origin": the S3 origin is half the answer,
    # though of the note's other options its name looks most like the answer's.
    bank = generate_questions([_note("amazon-cloudfront", CLOUDFRONT)])

    question = _only(bank, "readable only through the distribution")

    assert question.correct_texts == ("Origin Access Control",)
    assert {"Signed URLs", "Geo Restriction"} <= _wrong(question)
    assert _wrong(question) & {"Custom Server", "Failover Group"}
    assert "S3 Origin" not in _wrong(question)


API_GATEWAY = """\
# 📘 Amazon API Gateway – Managed APIs

Amazon API Gateway creates, publishes and secures REST, HTTP and WebSocket APIs.

## ✅ 1. Endpoint Types

* Edge-Optimized Endpoint: Routes requests through CloudFront edge locations
* Regional Endpoint: Serves clients in the same Region
* Private Endpoint: Reachable only from a VPC through an interface endpoint

## ✅ 2. Stages

* Stage Settings: Per-stage throttling and logs; canary settings shift traffic to a new deployment
* Stage Variables: Name-value pairs that change per stage
* Usage Plans: Quotas and throttling per API key

# 🧠 Summary Table

| Scenario / Keyword | API Gateway Feature / Option |
| --- | --- |
| Shifting a share of traffic to a new API version | ✅ Canary settings |
"""


def test_the_general_feature_the_answer_is_one_case_of_is_not_a_wrong_choice():
    # "Stage Settings" are settings and include "canary settings": not wrong for a canary.
    bank = generate_questions([_note("amazon-api-gateway", API_GATEWAY)])

    question = _only(bank, "shifting a share of traffic to a new API version")

    assert question.correct_texts == ("Canary settings",)
    assert "Stage Settings" not in _wrong(question)


def test_an_option_whose_name_the_stem_spells_out_is_not_a_wrong_choice():
    # Geo restriction does block by country: offered as wrong, it would be half right.
    bank = generate_questions([_note("amazon-cloudfront", CLOUDFRONT)])

    question = _only(bank, "geo and IP restriction rules")

    assert question.correct_texts == ("AWS WAF web ACL",)
    assert "Geo Restriction" not in _wrong(question)


EC2_PURCHASE = """\
# 📘 Amazon EC2 – Elastic Compute Cloud

Amazon EC2 provides resizable virtual servers.

## ✅ 1. Purchase Options

* On-Demand Instances: Pay by the second with no commitment
* Spot Instances: Spare capacity at up to 90% off that can be reclaimed with two minutes' notice
* Reserved Instances: A one- or three-year commitment to an instance type for a discount
* Dedicated Hosts: A physical server for your use only, for per-socket licences

# 🧠 Summary Table

| Scenario / Keyword | EC2 Feature / Option |
| --- | --- |
| Interruptible batch work at the lowest price | ✅ Spot purchase option |
"""


def test_the_same_option_under_another_name_is_not_a_wrong_choice():
    # "Spot purchase option" is "Spot Instances" of the "Purchase Options".
    bank = generate_questions([_note("amazon-ec2", EC2_PURCHASE)])

    question = _only(bank, "interruptible batch work at the lowest price")

    assert question.correct_texts == ("Spot purchase option",)
    assert "Spot Instances" not in _wrong(question)


RUNTIMES = """\
# 📘 AWS App Runner – Container Web Services

AWS App Runner runs web applications from source code or a container image.

## ✅ 1. Runtime Versions

* LATEST: Points to the newest managed runtime (3.2)
* 3.2: Adds streaming responses
* 3.1: Older managed runtime
* Legacy Runtime: Kept for applications that cannot move yet

## ✅ 2. Networking Options

* Public Endpoint: Reachable by anyone on the internet
* VPC Connector: Lets the service call private resources in a VPC
* Private Endpoint: Reachable only from inside a VPC

**📌 Exam Signal:**
If new runtime features are missing → LATEST.
"""


def test_an_option_named_only_by_a_number_is_never_a_wrong_choice():
    # "3.2" has no words to tell it from "LATEST", which points to it.
    bank = generate_questions([_note("aws-app-runner", RUNTIMES)])

    question = _only(bank, "new runtime features are missing")

    assert question.correct_texts == ("LATEST",)
    assert not _wrong(question) & {"3.2", "3.1"}


JOBS = """\
# 📘 AWS Glue – Serverless Data Integration

AWS Glue runs extract, transform and load jobs without servers.

## ✅ 1. Job Types

* Spark Jobs: Distributed transforms on Apache Spark for large data sets
* Python Shell Jobs: One process on a fraction of a worker for small scripts
* Streaming Jobs: Continuous transforms of records from Kinesis or Kafka

## ✅ 2. Components

* Job Bookmarks: Remember what a job already processed so reruns skip it
* Crawlers: Infer table schemas from data in S3
* Triggers: Start jobs on a schedule or when other jobs finish
* Connections: Credentials and network settings for reaching a data store
* Data Quality Rules: Checks that data meets expectations before it is loaded

# 🧠 Summary Table

| Scenario / Keyword | Glue Feature / Option |
| --- | --- |
| Reruns that skip data already processed | ✅ Job bookmarks |
| Schemas of newly landed data | ✅ Crawlers |
| Starting a job when another finishes | ✅ Triggers |
| Reaching a database inside a VPC | ✅ Connections |
| Stopping bad data before it is loaded | ✅ Data quality rules |
"""


def test_beyond_the_answers_own_list_look_alike_options_come_first():
    bank = generate_questions([_note("aws-glue", JOBS)])

    question = _only(bank, "fraction of a worker for small scripts")

    assert {"Spark Jobs", "Streaming Jobs"} <= _wrong(question)
    assert "Job Bookmarks" in _wrong(question)


# --- Services another note says can do it -------------------------------------------------------

SQS = """\
# 📘 Amazon SQS – Simple Queue Service

Amazon SQS is a fully managed message queuing service.

## ✅ 1. SQS vs Alternatives

| Scenario / Need | Use SQS | Use Alternative |
| --- | --- | --- |
| Fan-out of one message to many subscribers | ❌ One consumer per message | Amazon SNS |
| Replaying an ordered stream of records | ❌ Messages are deleted once processed | Amazon Kinesis |
| Routing events by content rules | ❌ No content-based routing | Amazon EventBridge |

## 📚 Exam Focus

- Choose **Amazon SQS** when:
  - You need **dead-letter queues** for messages that fail processing
  - Your messages fit within **256 KB**
"""

SNS = """\
# 📘 Amazon SNS – Simple Notification Service

Amazon SNS is a managed publish/subscribe messaging service.

## ✅ 1. Delivery

* Message Filtering: Subscribers receive only the messages that match their filter policy
* Delivery Retries: Failed deliveries to HTTP endpoints are retried with backoff
"""

SNS_DLQ = SNS + "* Dead-Letter Queues: Keep messages that could not be delivered to a subscriber\n"


def test_a_service_is_a_wrong_choice_when_its_note_does_not_name_the_feature():
    bank = generate_questions([_note("amazon-sqs", SQS), _note("amazon-sns", SNS)])

    question = _only(bank, "dead-letter queues")

    assert question.correct_texts == ("Amazon SQS",)
    assert _wrong(question) == {"Amazon SNS", "Amazon Kinesis", "Amazon EventBridge"}


def test_a_service_whose_note_names_the_feature_the_scenario_asks_for_is_not_wrong():
    # SNS has dead-letter queues too; without SNS only two wrong choices are left, so the
    # question is left out rather than padded or keyed with two right answers.
    bank = generate_questions([_note("amazon-sqs", SQS), _note("amazon-sns", SNS_DLQ)])

    assert not _asking(bank, "dead-letter queues")


def test_a_service_lacking_the_feature_is_still_a_wrong_choice():
    lacking = SNS + "* No Dead-Letter Queues: Undelivered messages are dropped\n"
    bank = generate_questions([_note("amazon-sqs", SQS), _note("amazon-sns", lacking)])

    assert "Amazon SNS" in _wrong(_only(bank, "dead-letter queues"))


@pytest.mark.parametrize("limit", ["fit within 256 KB", "finish within 15 minutes", "up to 10 GB"])
def test_a_limit_the_service_allows_is_not_asked_as_a_reason_to_choose_it(limit):
    note = SQS.replace("fit within **256 KB**", limit)
    bank = generate_questions([_note("amazon-sqs", note), _note("amazon-sns", SNS)])

    assert not _asking(bank, limit.split()[-1])
    assert _asking(bank, "dead-letter queues")
