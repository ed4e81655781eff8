/**
 * The two mail adapters: SES v2 `SendEmail` in AWS, and on one machine one RFC 5322 `.eml` file per message
 * in a folder (`.local/mail/` for `npm start`), which any mail client opens. Plain text, UTF-8.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, MailMessage } from '../use-cases/report-schedules.ts';

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const sent = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [...message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
    if (!sent.MessageId) throw new Error('SES accepted the message but returned no MessageId.');
    return { messageId: sent.MessageId };
  }
}

/** Writes each message as `<time>-<id>.eml` in `dir` (created when missing). */
export class FolderMailer implements Mailer {
  constructor(
    private readonly dir: string,
    private readonly from: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const at = this.now();
    const messageId = `${randomUUID()}@lms.local`;
    const eml = [
      `Message-ID: <${messageId}>`,
      `Date: ${at.toUTCString()}`,
      `From: ${this.from}`,
      `To: ${message.to.join(', ')}`,
      `Subject: ${encodedHeader(message.subject)}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      message.text.replaceAll(/\r?\n/g, '\r\n'),
    ].join('\r\n');
    await mkdir(this.dir, { recursive: true });
    const file = path.join(
      this.dir,
      `${at.toISOString().replaceAll(':', '-')}-${messageId.split('@')[0]}.eml`,
    );
    // Written aside, then renamed: a reader of the folder never sees half a message.
    await writeFile(`${file}.part`, eml, 'utf8');
    await rename(`${file}.part`, file);
    return { messageId };
  }
}

/** A header value: as is when ASCII, else RFC 2047 encoded (a report title may hold any character). */
function encodedHeader(value: string): string {
  const oneLine = value.replaceAll(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(oneLine)) return oneLine;
  return `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}
