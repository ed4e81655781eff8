/**
 * A report run's files in the analytics bucket, under `reports/<run id>/`: its rows as JSON (the API's pages
 * and the chart read them) and its CSV, stored as a download so that a presigned link (the API's, a
 * schedule's email) gives `text/csv` as an attachment.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ReportOutcome } from '../reports/engine.ts';
import type { ReportRunFiles } from '../use-cases/reports.ts';

export class S3ReportRunFiles implements ReportRunFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly presigner: S3Client,
    private readonly bucket: string,
  ) {}

  async putRows(key: string, rows: ReportOutcome['rows']): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(rows),
        ContentType: 'application/json',
      }),
    );
  }

  async putCsv(key: string, csv: string, filename: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: csv,
        ContentType: 'text/csv; charset=utf-8',
        ContentDisposition: `attachment; filename="${filename.replaceAll('"', '')}"`,
      }),
    );
  }

  async getRows(key: string): Promise<ReportOutcome['rows']> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse((await object.Body?.transformToString('utf8')) ?? '[]');
  }

  downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.presigner, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }
}
