import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Page, pageWindow, PaginationQueryDto, toPage } from '../common/dto/pagination.dto';

/**
 * The page `query` asks for of the rows `builder` selects, sorted by `orderBy` and then by id, so
 * that rows with the same sort key keep one order from page to page; with the total of all pages.
 */
export async function findPage<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  orderBy: string,
  query: PaginationQueryDto,
): Promise<Page<T>> {
  const { skip, take } = pageWindow(query);
  const [results, total] = await builder
    .orderBy(orderBy, 'ASC')
    .addOrderBy(`${builder.alias}.id`, 'ASC')
    .skip(skip)
    .take(take)
    .getManyAndCount();
  return toPage(results, total, query);
}
