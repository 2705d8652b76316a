# The mock IdP (and the mockidp CLI) as a small, non-root image, with the package installed from its npm tarball.
# Build with docker/build.sh, which installs the tarball and its production dependencies into the context.
# BASE_IMAGE defaults to the official Node 24 image; CI here passes a locally built one.
ARG BASE_IMAGE=node:24-slim
FROM ${BASE_IMAGE}
# Binds every interface: with no admin token given, `serve` generates one and prints it (docker logs).
ENV NODE_ENV=production \
    MOCKIDP_HOST=0.0.0.0 \
    MOCKIDP_PORT=9400
WORKDIR /app
COPY --chown=1000:1000 app /app
USER 1000:1000
EXPOSE 9400
# /health answers as soon as the tenants are ready.
HEALTHCHECK --interval=5s --timeout=2s --start-period=2s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.MOCKIDP_PORT||9400)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/node_modules/mockidp/dist/cli/mockidp.js"]
CMD ["serve"]
