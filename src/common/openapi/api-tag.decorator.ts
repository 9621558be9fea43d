import { ApiTags } from '@nestjs/swagger';

const declared = new Map<string, string>();

/**
 * @ApiTags with the tag's description, declared on the controller itself, so that a module's
 * operations are grouped and described in the OpenAPI document without an edit anywhere else.
 */
export function ApiTag(name: string, description: string): ClassDecorator & MethodDecorator {
  declared.set(name, description);
  return ApiTags(name);
}

/** Every tag declared with @ApiTag, in the order the controllers were loaded. */
export function declaredApiTags(): { name: string; description: string }[] {
  return [...declared].map(([name, description]) => ({ name, description }));
}
