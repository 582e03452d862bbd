/**
 * The little the sample's handlers need from a request and a response. Express's `Request` and
 * `Response` and Fastify's `FastifyRequest` and `FastifyReply` all fit, so one controller serves both.
 */
export interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
}

export interface HttpResponse {
  header(name: string, value: string): unknown;
}
