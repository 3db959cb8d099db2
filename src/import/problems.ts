// Import findings: warnings and errors about a page, each located at file:line and naming the page it is about.
import { formatLocation, type ErrorCode, type SourceLocation } from '../errors.ts';

export interface ImportProblem {
  severity: 'error' | 'warning';
  code: ErrorCode;
  message: string;
  location: SourceLocation;
  /** The page's title, where it has one; a file may hold many pages. */
  page?: string;
}

/** `file:line:col: page "T": message`, the same shape as the build's own messages. */
export function formatImportProblem(p: ImportProblem): string {
  const page = p.page !== undefined ? ` page "${p.page}":` : '';
  return `${p.severity}: ${formatLocation(p.location)}:${page} ${p.message}`;
}

/** Collects the findings of one run; pages and files add to it as they are read. */
export class Findings {
  readonly items: ImportProblem[] = [];

  add(
    severity: ImportProblem['severity'],
    code: ErrorCode,
    message: string,
    file: string,
    line: number,
    page?: string,
    column = 1,
  ): void {
    const where = { file, line, column };
    this.items.push({ severity, code, message, location: where, ...(page !== undefined ? { page } : {}) });
  }
  error(code: ErrorCode, message: string, file: string, line: number, page?: string, column?: number): void {
    this.add('error', code, message, file, line, page, column);
  }
  warn(code: ErrorCode, message: string, file: string, line: number, page?: string, column?: number): void {
    this.add('warning', code, message, file, line, page, column);
  }
  get errors(): ImportProblem[] {
    return this.items.filter((p) => p.severity === 'error');
  }
  get warnings(): ImportProblem[] {
    return this.items.filter((p) => p.severity === 'warning');
  }
}
