import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/**
 * A list query's filter on a field that takes one of `values`: it may be left out, and when given
 * must be one of them. The document names the values' enum `enumName`.
 */
export const OneOfFilter = (values: readonly string[], enumName: string) =>
  applyDecorators(
    ApiProperty({ enum: values, enumName, required: false }),
    IsOptional(),
    IsIn(values),
  );
