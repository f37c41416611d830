import { DOMParser } from '@xmldom/xmldom';

/** Strict XML parse: any well-formedness error or warning throws (a JUnit consumer would reject the file). */
export function parseXmlStrict(text: string) {
  const problems: string[] = [];
  const doc = new DOMParser({
    errorHandler: { warning: (m: string) => problems.push(m), error: (m: string) => problems.push(m), fatalError: (m: string) => problems.push(m) },
  }).parseFromString(text, 'text/xml');
  if (problems.length) throw new Error(`invalid XML: ${problems.join('; ')}`);
  return doc;
}
