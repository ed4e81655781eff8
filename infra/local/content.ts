/**
 * Local content delivery: what CloudFront (with origin access control, origin path `/courses`) serves in
 * AWS. `GET /content/<courseId>/v<n>/<path>` reads `courses/<courseId>/v<n>/<path>` from the content bucket.
 */
import { GetObjectCommand, NoSuchKey } from '@aws-sdk/client-s3';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { s3Client } from '../../shared/clients.ts';

export type ContentServer = (path: string) => Promise<APIGatewayProxyResult>;

const NOT_FOUND: APIGatewayProxyResult = {
  statusCode: 404,
  headers: { 'content-type': 'text/plain' },
  body: 'Not found',
};

export function contentServer(bucket: string): ContentServer {
  return async (path): Promise<APIGatewayProxyResult> => {
    const key = path.replace(/^\/content\//, '');
    const segments = key.split('/');
    if (
      segments.length < 3 ||
      segments.some((segment) => segment === '' || segment === '.' || segment === '..')
    ) {
      return NOT_FOUND;
    }
    try {
      const object = await s3Client().send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: `courses/${segments.map(decodeURIComponent).join('/')}`,
        }),
      );
      const body = Buffer.from(
        await (object.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())),
      );
      return {
        statusCode: 200,
        headers: {
          'content-type': object.ContentType ?? 'application/octet-stream',
          'cache-control': 'public, max-age=300',
          'x-content-type-options': 'nosniff',
        },
        body: body.toString('base64'),
        isBase64Encoded: true,
      };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') {
        return NOT_FOUND;
      }
      throw error;
    }
  };
}
