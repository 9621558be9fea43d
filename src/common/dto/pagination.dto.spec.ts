import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { pageWindow, PaginationQueryDto, toPage } from './pagination.dto';

const query = (page: number, perPage: number) =>
  Object.assign(new PaginationQueryDto(), { page, perPage });
const items = (count: number, start = 1) => Array.from({ length: count }, (_, i) => start + i);

describe('toPage', () => {
  // [what, results, total, page, perPage, from, to]
  it.each<[string, unknown[], number, number, number, number, number]>([
    ['a full first page', items(20), 45, 1, 20, 1, 20],
    ['a full middle page', items(20, 21), 45, 2, 20, 21, 40],
    ['a short last page, ending at its last item', items(5, 41), 45, 3, 20, 41, 45],
    ['a page of one item', ['only'], 7, 7, 1, 7, 7],
    ['an empty page past the end (from and to 0, the total kept)', [], 45, 4, 20, 0, 0],
    ['an empty list', [], 0, 1, 20, 0, 0],
  ])('should describe %s', (_what, results, total, page, perPage, from, to) => {
    expect(toPage(results, total, query(page, perPage)).paginate).toEqual({
      current: page,
      from,
      to,
      total,
      pageSize: perPage,
    });
  });

  it('should answer the results it is given, in order', () => {
    const results = ['b', 'a', 'c'];
    const page = toPage(results, 3, query(1, 10));
    expect(page.results).toEqual(['b', 'a', 'c']);
    expect(page.paginate.to).toBe(3);
  });

  it('should use page 1 of 20 items by default', () => {
    expect(toPage(items(3), 3, new PaginationQueryDto()).paginate).toEqual({
      current: 1,
      from: 1,
      to: 3,
      total: 3,
      pageSize: 20,
    });
  });
});

describe('pageWindow', () => {
  it('should skip the pages before the one asked for', () => {
    expect(pageWindow(query(1, 20))).toEqual({ skip: 0, take: 20 });
    expect(pageWindow(query(3, 25))).toEqual({ skip: 50, take: 25 });
  });
});

describe('PaginationQueryDto', () => {
  const validate = (plain: Record<string, unknown>) =>
    validateSync(plainToInstance(PaginationQueryDto, plain)).map((error) => error.property);

  it('should accept page and perPage from query strings', () => {
    const dto = plainToInstance(PaginationQueryDto, { page: '3', perPage: '100' });
    expect(dto.page).toBe(3);
    expect(dto.perPage).toBe(100);
    expect(validateSync(dto)).toEqual([]);
  });

  it.each([
    [{ page: '0' }, 'page'],
    [{ page: '1.5' }, 'page'],
    [{ page: 'x' }, 'page'],
    [{ perPage: '0' }, 'perPage'],
    [{ perPage: '101' }, 'perPage'],
  ])('should reject %p', (plain, property) => {
    expect(validate(plain)).toEqual([property]);
  });
});
