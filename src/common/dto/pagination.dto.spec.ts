import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { PaginationQueryDto, toPage } from './pagination.dto';

const query = (page: number, perPage: number) =>
  Object.assign(new PaginationQueryDto(), { page, perPage });
const items = (count: number, start = 1) => Array.from({ length: count }, (_, i) => start + i);

describe('toPage', () => {
  it('should describe a full first page', () => {
    expect(toPage(items(20), 45, query(1, 20)).paginate).toEqual({
      current: 1,
      from: 1,
      to: 20,
      total: 45,
      pageSize: 20,
    });
  });

  it('should describe a full middle page', () => {
    expect(toPage(items(20, 21), 45, query(2, 20)).paginate).toEqual({
      current: 2,
      from: 21,
      to: 40,
      total: 45,
      pageSize: 20,
    });
  });

  it('should end a short last page at its last item', () => {
    expect(toPage(items(5, 41), 45, query(3, 20)).paginate).toEqual({
      current: 3,
      from: 41,
      to: 45,
      total: 45,
      pageSize: 20,
    });
  });

  it('should describe a page of one item', () => {
    expect(toPage(['only'], 7, query(7, 1)).paginate).toEqual({
      current: 7,
      from: 7,
      to: 7,
      total: 7,
      pageSize: 1,
    });
  });

  it('should give from and to 0 for an empty page past the end, keeping the total', () => {
    expect(toPage([], 45, query(4, 20)).paginate).toEqual({
      current: 4,
      from: 0,
      to: 0,
      total: 45,
      pageSize: 20,
    });
  });

  it('should give from, to and total 0 for an empty list', () => {
    expect(toPage([], 0, query(1, 20)).paginate).toEqual({
      current: 1,
      from: 0,
      to: 0,
      total: 0,
      pageSize: 20,
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
