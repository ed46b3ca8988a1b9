/**
 * The part of OpenAPI 3.1 (and of its JSON Schema 2020-12 dialect) this API's document uses,
 * typed so that a misspelt keyword fails the type check instead of silently meaning nothing.
 */
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

export interface Schema {
  $ref?: string;
  title?: string;
  description?: string;
  type?: JsonType | JsonType[];
  const?: string | number | boolean | null;
  enum?: readonly (string | number | boolean | null)[];
  format?: 'date' | 'date-time' | 'email' | 'uuid';
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  required?: readonly string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  examples?: unknown[];
}

export interface Reference {
  $ref: string;
  summary?: string;
  description?: string;
}

export interface MediaType {
  schema: Schema;
}

export interface Header {
  description: string;
  schema: Schema;
}

export interface Response {
  description: string;
  headers?: Record<string, Header | Reference>;
  content?: Record<string, MediaType>;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required: boolean;
  schema: Schema;
}

export interface RequestBody {
  description: string;
  required: boolean;
  content: Record<string, MediaType>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface Operation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security?: SecurityRequirement[];
  parameters?: (Parameter | Reference)[];
  requestBody?: RequestBody | Reference;
  responses: Record<string, Response | Reference>;
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface PathItem {
  summary?: string;
  parameters?: (Parameter | Reference)[];
  get?: Operation;
  post?: Operation;
  put?: Operation;
  patch?: Operation;
  delete?: Operation;
}

export interface SecurityScheme {
  type: 'http';
  scheme: 'bearer';
  description: string;
}

export interface Tag {
  name: string;
  description: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0' | '3.1.1';
  jsonSchemaDialect?: string;
  info: { title: string; version: string; summary?: string; description: string; license?: { name: string; identifier?: string } };
  servers?: { url: string; description: string }[];
  tags: Tag[];
  security?: SecurityRequirement[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, Schema>;
    responses: Record<string, Response>;
    parameters: Record<string, Parameter>;
    securitySchemes: Record<string, SecurityScheme>;
  };
}
