/**
 * The Terraform half of the verification harness is the public testing API
 * (`cdktf-ai-infra/testing`, lib/testing/terraform.ts): our tests use what users get.
 */
export * from '../../lib/testing/terraform';
