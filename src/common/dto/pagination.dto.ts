import { Type as TransformType } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiIntegerProperty } from '../openapi/api-properties';
import { IsIntegerBetween } from '../validation/integer-between';

export const MAX_PAGE_SIZE = 100;
const MAX_PAGE = 1_000_000;

export class PaginationQueryDto {
  /** Page number, from 1; 1 when left out */
  @ApiProperty({ type: 'integer', required: false, minimum: 1, maximum: MAX_PAGE, example: 1 })
  @IsOptional()
  @TransformType(() => Number)
  @IsIntegerBetween(1, MAX_PAGE)
  page: number = 1;

  /** Items per page, at most 100; 20 when left out */
  @ApiProperty({
    type: 'integer',
    required: false,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    example: 20,
  })
  @IsOptional()
  @TransformType(() => Number)
  @IsIntegerBetween(1, MAX_PAGE_SIZE)
  perPage: number = 20;
}

export class PaginateDto {
  /** The current page number */
  @ApiIntegerProperty()
  current: number;

  /** 1-based position of the first item on this page (0 when the page is empty) */
  @ApiIntegerProperty()
  from: number;

  /** 1-based position of the last item on this page (0 when the page is empty) */
  @ApiIntegerProperty()
  to: number;

  /** Total number of items across all pages */
  @ApiIntegerProperty()
  total: number;

  /** Items per page */
  @ApiIntegerProperty()
  pageSize: number;
}

export interface Page<T> {
  results: T[];
  paginate: PaginateDto;
}

/** The rows of the page `query` asks for, as TypeORM's `skip` and `take`. */
export function pageWindow(query: PaginationQueryDto): { skip: number; take: number } {
  return { skip: (query.page - 1) * query.perPage, take: query.perPage };
}

export function toPage<T>(results: T[], total: number, query: PaginationQueryDto): Page<T> {
  const offset = pageWindow(query).skip;
  return {
    results,
    paginate: {
      current: query.page,
      from: results.length > 0 ? offset + 1 : 0,
      to: results.length > 0 ? offset + results.length : 0,
      total,
      pageSize: query.perPage,
    },
  };
}

/** The OpenAPI shape of a page of `itemType`. */
export function PageDto<T>(itemType: new () => T, name: string) {
  class PageOf implements Page<T> {
    @ApiProperty({ type: [itemType], description: 'The items on this page' })
    results: T[];

    @ApiProperty({ type: PaginateDto, description: 'Where this page sits in the whole list' })
    paginate: PaginateDto;
  }
  Object.defineProperty(PageOf, 'name', { value: name });
  return PageOf;
}
