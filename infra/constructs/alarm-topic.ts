/**
 * AlarmTopic: the one SNS topic every LMS alarm publishes to, so a failure reaches a person. Encrypted with a
 * customer managed KMS key (CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key),
 * TLS-only, and open to CloudWatch alarms of this account and region alone; an email address subscribes
 * when one is given.
 */
import { ArnFormat, Aws, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Who is emailed each alarm (they confirm the subscription first). @default - nobody: subscribe later */
  readonly email?: string;
}

export class AlarmTopic extends Construct {
  readonly topic: Topic;
  /** The action that sends an alarm's state changes to the topic. */
  readonly action: IAlarmAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    // Only on behalf of this account's alarms in this region (no confused deputy).
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    const key = new Key(this, 'Key', {
      description: 'Encrypts the LMS alarm topic; CloudWatch alarms use it to publish',
      enableKeyRotation: true,
      // Only alarm notifications in flight are encrypted with it: nothing to keep once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: 'LMS alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    if (props.email) {
      const subscription = this.topic.addSubscription(new EmailSubscription(props.email));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          "An email subscription to the alarm topic: SNS retries a failed delivery, the topic's NumberOfNotificationsFailed metric shows one that never arrived, and the alarm stays in ALARM in CloudWatch; a dead-letter queue of undelivered alarm emails would be another queue no one reads.",
      });
    }
    this.action = new SnsAction(this.topic);
  }
}
