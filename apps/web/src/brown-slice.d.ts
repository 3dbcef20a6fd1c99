// Type of the Brown corpus slice that brown-slice-plugin.ts bundles at build time.
declare module 'virtual:brown-slice' {
  const texts: string[];
  export default texts;
}
